// Proxyscope as a Runscope-compatible collector (--collector), as real child
// processes: a Kong-style single message and batched lists, invalid items kept
// apart, refusals (not JSON, token, size), kept means on disk (kill -9 after
// the answer), and two instances chained: A forwards to B's collector.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from '../../electron/core/app.js';
import { startCollector } from '../support/collector.js';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { jsonLines, query } from '../support/storeCli.js';
import { upstreamForSuite } from '../support/upstreamFixture.js';

const upstream = upstreamForSuite();
const TOKEN = 'collector-token-0123456789';
const tmp = () => mkdtempSync(join(tmpdir(), 'collector-'));
const running: HeadlessProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.exit();
});

async function collectorInstance(dataDir: string, extra: string[] = []) {
  const p = await startHeadless(['--port', '0', '--no-ui', '--data-dir', dataDir, '--collector', '--collector-port', '0', ...extra]);
  running.push(p);
  return { p, url: String(p.ready.collector), dir: dataDir };
}

const message = (id: string, over: Record<string, unknown> = {}) => ({
  unique_identifier: id,
  request: { method: 'GET', url: `https://api.example.com/items/${id}`, headers: { Host: 'api.example.com', Accept: ['a', 'b'] }, timestamp: 1764633600.5 },
  response: { status: 200, reason: 'OK', headers: { 'Content-Type': 'application/json' }, timestamp: 1764633600.55, response_time: 0.05, size_bytes: 11, body: '{"ok":true}' },
  ...over,
});

const post = (url: string, bucket: string, body: unknown, token = TOKEN) =>
  fetch(`${url}/buckets/${bucket}/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('--collector', () => {
  it('keeps a single Kong-style message and a batch, answering one result per message in order; invalid items name their field', async () => {
    const dir = tmp();
    const { p, url } = await collectorInstance(dir, ['--collector-token', TOKEN]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const single = await post(url, 'kong', message('m-1'));
    expect(single.status).toBe(201);
    const one = (await single.json()) as { data: Array<Record<string, unknown>>; meta: Record<string, number>; error: unknown };
    expect(one).toMatchObject({ data: [{ status: 'success', unique_identifier: 'm-1', error: null }], meta: { success_count: 1, error_count: 0 }, error: null });
    expect(typeof one.data[0]!.uuid).toBe('string');
    expect(await p.waitFor((e) => e.event === 'collected')).toMatchObject({ bucket: 'kong', id: 'm-1', method: 'GET', status: 200 });

    const bad = message('m-3') as { request: Record<string, unknown> };
    delete bad.request.url;
    const batch = await post(url, 'team', [message('m-2'), bad, message('m-4', { response: { status: 0 } })]);
    expect(batch.status).toBe(200);
    const results = ((await batch.json()) as { data: Array<Record<string, unknown>> }).data;
    expect(results.map((r) => r.status)).toEqual(['success', 'error', 'success']);
    expect(results[1]).toMatchObject({ unique_identifier: 'm-3', uuid: null, error: 'message 1: request.url: Invalid input: expected string, received undefined' });

    const stored = jsonLines((await query(dir, ['--json', '--session', 'all'])).stdout).filter((l) => l.id);
    expect(stored.map((l) => l.id).sort()).toEqual(['m-1', 'm-2', 'm-4']);
    expect(stored.find((l) => l.id === 'm-1')).toMatchObject({ method: 'GET', url: 'https://api.example.com/items/m-1', status: 200, responseSize: 11 });
    expect(stored.find((l) => l.id === 'm-4')).toMatchObject({ status: null });
  });

  it('refuses what is not messages (400), a wrong token (401), a body over the bound (413), and goes on serving', async () => {
    const { url } = await collectorInstance(tmp(), ['--collector-token', TOKEN]);
    expect((await post(url, 'b', '{"truncated":')).status).toBe(400);
    expect((await post(url, 'b', '[1,2]')).status).toBe(400);
    expect((await post(url, 'b', message('x'), 'wrong-token-0123456789')).status).toBe(401);
    const invalidOnly = await post(url, 'b', message('y', { request: { method: 'GET', url: 'not a url', headers: {}, timestamp: 1 } }));
    expect(invalidOnly.status).toBe(400);
    expect(((await invalidOnly.json()) as { error: { message: string } }).error.message).toBe('request.url: must be an absolute http(s) URL');
    const huge = await post(url, 'b', 'x'.repeat(17 * 1024 * 1024));
    expect(huge.status).toBe(413);
    expect((await post(url, 'b', message('z'))).status).toBe(201);
  });

  it('a message answered as kept is on disk: kill -9 right after the answer, and it is there', async () => {
    const dir = tmp();
    const { p, url } = await collectorInstance(dir, ['--collector-token', TOKEN]);
    expect((await post(url, 'durable', [message('d-1'), message('d-2')])).status).toBe(201);
    p.child.kill('SIGKILL');
    await once(p.child, 'close');
    running.splice(running.indexOf(p), 1);
    const stored = jsonLines((await query(dir, ['--json', '--session', 'all'])).stdout).filter((l) => l.id);
    expect(stored.map((l) => l.id)).toEqual(['d-1', 'd-2']);
  });

  it('generates its token once and keeps it (0600) for the next start', async () => {
    const dir = tmp();
    const first = await collectorInstance(dir);
    const token = readFileSync(join(dir, 'collector-token'), 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'collector-token')).mode & 0o777).toBe(0o600);
    expect((await post(first.url, 'b', message('t-1'), token)).status).toBe(201);
    await first.p.exit();
    running.splice(running.indexOf(first.p), 1);
    const second = await collectorInstance(dir);
    expect((await post(second.url, 'b', message('t-2'), token)).status).toBe(201);
  });

  it('tells the UI where it listens and its token (getCollector); not running without --collector', async () => {
    const withIt = await startApp({ dataDir: tmp(), port: 0, host: '127.0.0.1', collector: { port: 0, token: TOKEN } });
    const info = await withIt.service.handlers.getCollector(undefined);
    expect(info).toMatchObject({ running: true, url: withIt.collector()!.url, token: TOKEN });
    expect((await post(info.url!, 'ui', message('ui-1'))).status).toBe(201);
    await withIt.stop();
    const without = await startApp({ dataDir: tmp(), port: 0, host: '127.0.0.1' });
    expect(await without.service.handlers.getCollector(undefined)).toMatchObject({ running: false, url: null, token: null });
    await without.stop();
  });

  it('the Settings toggle starts and stops it, and the choice is kept for the next start', async () => {
    const dir = tmp();
    let app = await startApp({ dataDir: dir, port: 0, host: '127.0.0.1' });
    const on = await app.service.handlers.setCollector({ enabled: true, port: 0 });
    if (!on.ok || !on.view.running) throw new Error(JSON.stringify(on));
    expect((await post(on.view.url, 'toggle', message('tg-1'), on.view.token)).status).toBe(201);
    await app.stop();
    app = await startApp({ dataDir: dir, port: 0, host: '127.0.0.1' });
    const again = await app.service.handlers.getCollector(undefined);
    expect(again).toMatchObject({ running: true, token: on.view.token });
    const off = await app.service.handlers.setCollector({ enabled: false });
    expect(off).toMatchObject({ ok: true, view: { running: false } });
    await expect(post(again.url!, 'toggle', message('tg-2'), on.view.token)).rejects.toThrow();
    await app.stop();
  });

  it("chains two instances: A forwards to B's collector, A shows sent, B shows A's exchange", async () => {
    const b = await collectorInstance(tmp(), ['--collector-token', TOKEN]);
    const a = await startHeadless(['--port', '0', '--no-ui', '--data-dir', tmp(), '--bucket', 'from-a', '--access-token', TOKEN, '--api-endpoint', b.url, '--log-body']);
    running.push(a);
    await viaProxy(String(a.ready.proxy), `${upstream().httpUrl}/json?chained=1`);
    const ex = await a.waitFor((e) => e.event === 'exchange');
    expect(await a.waitFor((e) => e.event === 'delivery' && e.id === ex.id && e.state === 'sent')).toMatchObject({ httpStatus: 201 });
    expect(await b.p.waitFor((e) => e.event === 'collected' && e.id === ex.id)).toMatchObject({ bucket: 'from-a', url: `${upstream().httpUrl}/json?chained=1`, status: 200 });
  });

  it('forwards what it collected like captured traffic when forwarding is on, each message once, credentials redacted', async () => {
    const onward = await startCollector({ token: 'onward-token', bucket: 'onward' });
    try {
      const b = await collectorInstance(tmp(), ['--collector-token', TOKEN, '--bucket', 'onward', '--access-token', 'onward-token', '--api-endpoint', onward.url, '--log-body']);
      const m = message('relayed-1', { request: { method: 'GET', url: 'https://api.example.com/relayed', headers: { Host: 'api.example.com', Authorization: 'Bearer secret' }, timestamp: 1764633600.5 } });
      expect((await post(b.url, 'from-kong', m)).status).toBe(201);
      expect(await b.p.waitFor((e) => e.event === 'delivery' && e.id === 'relayed-1' && e.state === 'sent')).toMatchObject({ httpStatus: 201 });
      // Sent again (a sender's retry): stored once, so not forwarded again.
      expect((await post(b.url, 'from-kong', [m, message('relayed-2')])).status).toBe(201);
      await b.p.waitFor((e) => e.event === 'delivery' && e.id === 'relayed-2' && e.state === 'sent');
      expect(onward.arrivals.map((a) => [a.bucket, a.message.unique_identifier])).toEqual([
        ['onward', 'relayed-1'],
        ['onward', 'relayed-2'],
      ]);
      expect(onward.received[0]!.request.headers).toMatchObject({ Authorization: '[redacted]' });
      // The delivery state is kept with the stored exchange, as for captured ones.
      const stored = jsonLines((await query(b.dir, ['--json', '--session', 'all', 'delivery=sent'])).stdout).filter((l) => l.id);
      expect(stored.map((r) => r.id).sort()).toEqual(['relayed-1', 'relayed-2']);
    } finally {
      await onward.close();
    }
  });
});
