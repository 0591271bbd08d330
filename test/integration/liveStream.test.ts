// A response still streaming, through the real proxy: each chunk reaches the
// client as the upstream sends it (the upstream sends the next event only once
// the client has the one before), the UI's stream shows the exchange growing
// while pending, its detail holds what has come so far, and an event stream's
// chunks keep their arrival times.
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import { sseStream, startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

let upstream: Upstream;
let app: App;
const recorded: ExchangeSummary[] = [];
const live: ExchangeSummary[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'proxyscope-stream-')), port: 0, host: '127.0.0.1', upstreamCa: [upstream.caPem] });
  app.onExchange((s) => recorded.push(s));
  app.service.subscribe((batch) => {
    for (const e of batch) if (e.type === 'exchanges') live.push(...e.updated);
  });
});

afterAll(async () => {
  await app?.stop();
  await upstream?.close();
});

/** GET through the proxy; `received` grows with each chunk the client reads. */
function streamThroughProxy(url: string) {
  const received: string[] = [];
  let waiters: Array<() => void> = [];
  const proxy = new URL(app.proxyUrl);
  const done = new Promise<number>((resolve, reject) => {
    const req = http.request({ host: proxy.hostname, port: proxy.port, path: url, headers: { host: new URL(url).host } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        received.push(chunk);
        waiters.forEach((w) => w());
        waiters = [];
      });
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
  const has = (text: string) =>
    until(`the client has ${JSON.stringify(text)}`, () => (received.join('').includes(text) ? true : undefined));
  return { received, done, has };
}

describe('live streams', () => {
  it('passes each event on at once, shows the exchange growing while pending, and times each chunk', async () => {
    const url = `${upstream.httpUrl}/sse?id=live-1`;
    const client = streamThroughProxy(url);
    const res = await sseStream('live-1');
    res.write('event: tick\ndata: one\n\n');
    // The next event is sent only once the client has this one: nothing held it back on the way.
    await client.has('data: one');

    const growing = await until('a pending row with bytes, live', () => live.find((s) => s.url === url && s.state === 'pending' && s.responseBytes > 0));
    const partial = (await app.service.handlers.getExchange({ id: growing.id }))!;
    expect(Buffer.from(partial.response!.body.base64, 'base64').toString()).toBe('event: tick\ndata: one\n\n');
    expect(partial.chunkTimes).toHaveLength(1);

    res.write('data: two\n\n');
    await client.has('data: two');
    res.end();
    expect(await client.done).toBe(200);

    const s = await until('the stream recorded', () => recorded.find((r) => r.url === url));
    const d = (await app.service.handlers.getExchange({ id: s.id }))!;
    expect(Buffer.from(d.response!.body.base64, 'base64').toString()).toBe('event: tick\ndata: one\n\ndata: two\n\n');
    expect(d.chunkTimes!.map(([offset]) => offset)).toEqual([0, 'event: tick\ndata: one\n\n'.length]);
    const [first, second] = d.chunkTimes!.map(([, at]) => at);
    expect(second!).toBeGreaterThanOrEqual(first!);
    expect(first!).toBeGreaterThanOrEqual(d.timings.startedAt);
  });

  it('listOpen names a stream while it is open, for a UI that connects late, and no longer once it ended', async () => {
    const url = `${upstream.httpUrl}/sse?id=live-open`;
    const client = streamThroughProxy(url);
    const res = await sseStream('live-open');
    res.write('data: one\n\n');
    await client.has('data: one');
    const open = await until('listed as open', async () => (await app.service.handlers.listOpen(undefined)).find((s) => s.url === url));
    expect(open).toMatchObject({ state: 'pending', status: 200 });
    res.end();
    expect(await client.done).toBe(200);
    await until('recorded', () => recorded.find((r) => r.url === url));
    expect((await app.service.handlers.listOpen(undefined)).map((s) => s.url)).not.toContain(url);
  });

  it('a response that is not an event stream keeps no chunk times', async () => {
    const url = `${upstream.httpUrl}/big?n=200000&chunked=1`;
    const client = streamThroughProxy(url);
    expect(await client.done).toBe(200);
    const s = await until('recorded', () => recorded.find((r) => r.url === url));
    expect((await app.service.handlers.getExchange({ id: s.id }))!.chunkTimes).toBeNull();
  });
});
