// Replay into a bucket with the real core: exchanges captured while forwarding
// is off are sent, as a filter selects them, to a chosen bucket of the strict
// collector through the outbox and delivery worker; each replay is a message of
// its own (a session can be shared twice); an imported session bigger than a
// page arrives whole and once; bad input is refused naming the
// field with nothing queued; a full outbox stops the job and says so; and
// `proxyscope forward` does the same through a running instance.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSummary, ForwardJob } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import { startCollector, type Collector } from '../support/collector.js';
import { importHar, writeGeneratedHar } from '../support/harFiles.js';
import { runCli } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { jsonLines } from '../support/storeCli.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const TOKEN = 'forward-replay-token-77';
const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
let upstream: Upstream;
let collector: Collector;
let app: App;
let dataDir: string;
const recorded: ExchangeSummary[] = [];

async function capture(target: App, paths: string[], seen: ExchangeSummary[]): Promise<void> {
  const before = seen.length;
  for (const p of paths) await viaProxy(target.proxyUrl, `${upstream.httpUrl}${p}`);
  await until(`${paths.length} recorded`, () => (seen.length >= before + paths.length ? true : undefined));
}

const progress = (target: App, job: string, done: (p: ForwardJob) => boolean) =>
  until(`job ${job}`, async () => {
    const p = await target.service.handlers.forwardProgress({ job });
    return p && done(p) ? p : undefined;
  }, 20_000);
const finished = (target: App, job: string) => progress(target, job, (p) => p.done);

beforeAll(async () => {
  upstream = await startUpstream();
  collector = await startCollector({ token: TOKEN, bucket: 'live', buckets: ['team'] });
  dataDir = tmp('proxyscope-forward-');
  // A token but no bucket: captured traffic is not forwarded.
  app = await startApp({ dataDir, port: 0, host: '127.0.0.1', overrides: { bucket: '', access_token: TOKEN, api_endpoint: collector.url, log_body: true } });
  app.onExchange((s) => recorded.push(s));
  await capture(app, ['/json?share=1', '/echo', '/json?share=2', '/status?code=404', '/json?share=3'], recorded);
});

afterAll(async () => {
  await app?.stop();
  await collector?.close();
  await upstream?.close();
});

const shared = () => recorded.filter((s) => s.url.includes('/json?share='));

describe('forwardExchanges', () => {
  it('sends exactly what the filter selects to the chosen bucket, each as its own message; a second send arrives again', async () => {
    expect(collector.received).toEqual([]);
    const started = await app.service.handlers.forwardExchanges({ filter: 'path=/json', bucket: 'team' });
    if (!started.ok) throw new Error(started.error);
    expect(started.job).toMatchObject({ bucket: 'team', matched: 3 });
    const job = await finished(app, started.job.job);
    expect(job).toMatchObject({ matched: 3, queued: 3, sent: 3, failed: 0, skipped: 0, reading: false, stopped: null, done: true });
    const ids = shared().map((s) => `${s.id}.${job.job}`);
    expect(collector.arrivals.map((a) => [a.bucket, a.message.unique_identifier]).sort()).toEqual(ids.map((id) => ['team', id]).sort());
    expect(collector.arrivals.map((a) => a.message.request.url).sort()).toEqual(shared().map((s) => s.url).sort());

    const again = await app.service.handlers.forwardExchanges({ filter: 'path=/json', bucket: 'team' });
    if (!again.ok) throw new Error(again.error);
    expect(again.job.job).not.toBe(job.job);
    expect(await finished(app, again.job.job)).toMatchObject({ queued: 3, sent: 3, done: true });
    expect(collector.arrivals).toHaveLength(6);
    expect(new Set(collector.received.map((m) => m.unique_identifier)).size).toBe(6);
    // The originals were never forwarded: their rows keep no delivery state.
    const page = await app.service.handlers.queryExchanges({ filter: 'path=/json' });
    expect(page.ok && page.rows.map((r) => r.delivery)).toEqual([null, null, null]);
  });

  it('an imported HAR session, read page after page: every POST of its 450 entries arrives once, in the bucket', async () => {
    const file = join(tmp('proxyscope-forward-har-'), 'load.har');
    await writeGeneratedHar(file, 450, 10);
    const imported = await importHar(dataDir, [file, '--json']);
    expect(imported.code).toBe(0);
    const { session } = jsonLines(imported.stdout)[0]!;
    const before = collector.arrivals.length;
    const started = await app.service.handlers.forwardExchanges({ session, filter: 'method=POST', bucket: 'team' });
    if (!started.ok) throw new Error(started.error);
    expect(await finished(app, started.job.job)).toMatchObject({ matched: 113, queued: 113, sent: 113, failed: 0 });
    const urls = collector.arrivals.slice(before).map((a) => a.message.request.url);
    expect(new Set(urls).size).toBe(113);
    expect(urls.every((u) => Number(/items\/(\d+)/.exec(u)![1]) % 4 === 0)).toBe(true);
    expect(collector.arrivals.slice(before).every((a) => a.bucket === 'team' && a.message.request.method === 'POST')).toBe(true);
  });

  it('refuses a bad filter, bucket, session or missing bucket naming it, and queues nothing', async () => {
    const before = (await app.service.handlers.listDeliveries({})).length;
    const arrived = collector.received.length;
    expect(await app.service.handlers.forwardExchanges({ filter: 'status>=', bucket: 'team' })).toMatchObject({ ok: false, field: 'filter', error: expect.stringMatching(/^filter: /) });
    expect(await app.service.handlers.forwardExchanges({ bucket: 'a\tb' })).toMatchObject({ ok: false, field: 'bucket', error: expect.stringContaining('bucket') });
    expect(await app.service.handlers.forwardExchanges({ bucket: '  ' })).toMatchObject({ ok: false, field: 'bucket', error: 'bucket must not be empty' });
    expect(await app.service.handlers.forwardExchanges({ session: 99, bucket: 'team' })).toMatchObject({ ok: false, field: 'session', error: 'session 99 does not exist' });
    expect(await app.service.handlers.forwardExchanges({})).toMatchObject({ ok: false, field: 'settings', error: expect.stringContaining('bucket') });
    expect(await app.service.handlers.forwardProgress({ job: 'nope' })).toBeNull();
    expect((await app.service.handlers.listDeliveries({})).length).toBe(before);
    expect(collector.received.length).toBe(arrived);
  });

  it('proxyscope forward asks the running instance: NDJSON progress to sent=N, exit 0; usage errors exit 2; no instance, 1', async () => {
    const before = collector.arrivals.length;
    const r = await runCli(['forward', '--data-dir', dataDir, '--bucket', 'team', '--json', 'path=/echo', 'or', 'status=404']).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = jsonLines(r.stdout);
    expect(events.at(-1)).toMatchObject({ event: 'forwarded', bucket: 'team', matched: 2, queued: 2, sent: 2, failed: 0, done: true });
    expect(events.slice(0, -1).every((e) => e.event === 'progress')).toBe(true);
    expect(collector.arrivals.slice(before).map((a) => a.message.request.url).sort()).toEqual([`${upstream.httpUrl}/echo`, `${upstream.httpUrl}/status?code=404`]);

    const human = await runCli(['forward', '--data-dir', dataDir, '--bucket', 'team', 'path=/echo']).done;
    expect(human).toMatchObject({ code: 0, stdout: "Forwarded 1 of 1 exchange to bucket team\n" });
    expect(human.stderr).toMatch(/forward: 1 of 1 queued, 1 sent, 0 failed/);

    const badFilter = await runCli(['forward', '--data-dir', dataDir, '--bucket', 'team', 'status>=']).done;
    expect(badFilter.code).toBe(2);
    const badBucket = await runCli(['forward', '--data-dir', dataDir, '--bucket', 'a\tb']).done;
    expect(badBucket).toMatchObject({ code: 2, stderr: expect.stringMatching(/--bucket: .*nothing was queued/) });
    const nobody = await runCli(['forward', '--data-dir', tmp('proxyscope-forward-none-'), '--bucket', 'team']).done;
    expect(nobody).toMatchObject({ code: 1, stderr: expect.stringContaining('start Proxyscope on this data dir first') });
  });
});

describe('a full outbox', () => {
  it('stops the job and says so; what was queued is still delivered', async () => {
    const sink = await startCollector({ token: TOKEN, bucket: 'team' });
    const seen: ExchangeSummary[] = [];
    const small = await startApp({ dataDir: tmp('proxyscope-forward-full-'), port: 0, host: '127.0.0.1', limits: { outboxMaxMessages: 2 }, overrides: { bucket: '', access_token: TOKEN, api_endpoint: sink.url } });
    try {
      small.onExchange((s) => seen.push(s));
      await capture(small, ['/json?a', '/json?b', '/json?c', '/json?d'], seen);
      sink.setMode('fail');
      const started = await small.service.handlers.forwardExchanges({ bucket: 'team' });
      if (!started.ok) throw new Error(started.error);
      const stopped = await progress(small, started.job.job, (p) => !p.reading);
      expect(stopped).toMatchObject({ matched: 4, queued: 2, stopped: expect.stringContaining('the outbox is full') });
      sink.setMode('ok');
      expect(await finished(small, started.job.job)).toMatchObject({ queued: 2, sent: 2, failed: 0, done: true, stopped: expect.stringContaining('outbox is full') });
    } finally {
      await small.stop();
      await sink.close();
    }
  });
});
