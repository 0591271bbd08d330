// The session store as a user meets it: exchanges kept across restarts, new
// sessions, retention, clearing, a corrupt or unopenable file, kill -9. Real
// proxy, upstream and (strict) collector; the store is the real sessions.db.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../electron/core/api.js';
import { startApp, type App, type StartAppOptions } from '../../electron/core/app.js';
import { startCollector, type Collector } from '../support/collector.js';
import { startHeadless } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { upstreamForSuite } from '../support/upstreamFixture.js';

const TOKEN = 'session-token-8080';
const upstream = upstreamForSuite();
const tmp = () => mkdtempSync(join(tmpdir(), 'proxyscope-sessions-'));
let collector: Collector;

beforeAll(async () => {
  collector = await startCollector({ token: TOKEN, bucket: 'sessions' });
});
afterAll(async () => collector?.close());

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts an app and sends `n` requests through it, resolving once all are reported. */
async function capture(app: App, n: number, tag: string): Promise<ExchangeSummary[]> {
  const reported: ExchangeSummary[] = [];
  app.onExchange((s) => reported.push(s));
  for (let i = 0; i < n; i++) await viaProxy(app.proxyUrl, `${upstream().httpUrl}/json?${tag}=${i}`);
  await until(`${n} reported`, () => (reported.filter((s) => s.url.includes(`${tag}=`)).length >= n ? true : undefined));
  return reported.filter((s) => s.url.includes(`${tag}=`));
}

const start = (dataDir: string, more: Partial<StartAppOptions> = {}) => startApp({ dataDir, port: 0, host: '127.0.0.1', ...more });

async function ids(app: App, filter = '', session: 'current' | 'all' | number = 'current'): Promise<string[]> {
  const page = await app.service.handlers.queryExchanges({ filter, session, limit: 1000 });
  if (!page.ok) throw new Error(page.error);
  return page.rows.map((r) => r.id);
}

describe('session store', () => {
  it('keeps every exchange across a restart, in the same session, and marks the restart; --new-session starts another', async () => {
    const dataDir = tmp();
    let app = await start(dataDir);
    const first = await capture(app, 3, 'before');
    await app.stop();

    app = await start(dataDir);
    const second = await capture(app, 2, 'after');
    expect(await ids(app)).toEqual([...first, ...second].sort((a, b) => a.startedAt - b.startedAt).map((s) => s.id));
    const [session] = await app.service.handlers.listSessions(undefined);
    expect(session).toMatchObject({ exchanges: 5, current: true });
    expect(session!.restarts).toHaveLength(1);
    expect(session!.bytes).toBeGreaterThan(0);
    await app.stop();

    app = await start(dataDir, { newSession: true });
    expect(await ids(app)).toEqual([]);
    const sessions = await app.service.handlers.listSessions(undefined);
    expect(sessions.map((s) => [s.exchanges, s.current])).toEqual([[5, false], [0, true]]);
    expect(await ids(app, 'url*=after', sessions[0]!.id)).toEqual(second.map((s) => s.id));
    await app.stop();
  });

  it('pages, sorts and counts with the filter language; a bad filter names its column', async () => {
    const dataDir = tmp();
    const app = await start(dataDir);
    await capture(app, 4, 'page');
    await viaProxy(app.proxyUrl, `${upstream().httpUrl}/status?code=404`);
    await until('404 stored', async () => ((await ids(app, 'status=404')).length === 1 ? true : undefined));
    const h = app.service.handlers;
    expect(await h.countExchanges({ filter: 'status>=400' })).toEqual({ ok: true, matched: 1, total: 5 });
    expect(await h.countExchanges({ filter: '~u page= & !~c 404' })).toEqual({ ok: true, matched: 4, total: 5 });
    const desc = await h.queryExchanges({ sort: 'url', order: 'desc', limit: 2, offset: 1 });
    if (!desc.ok) throw new Error(desc.error);
    expect(desc.rows.map((r) => r.url)).toEqual([`${upstream().httpUrl}/json?page=3`, `${upstream().httpUrl}/json?page=2`]);
    expect(desc.rows[0]).toMatchObject({ method: 'GET', path: '/json', contentType: 'application/json', httpVersion: '1.1', state: 'complete' });
    expect(await h.queryExchanges({ filter: 'status>=' })).toMatchObject({ ok: false, column: 9 });
    expect(await h.exportHar({ filter: 'size > lots' })).toMatchObject({ ok: false });
    expect(await h.filterSuggestions({ field: 'method' })).toEqual(['GET']);
    await app.stop();
  });

  it('reads back an exchange that left the memory cache, with its bodies', async () => {
    const app = await start(tmp(), { limits: { storeMaxExchanges: 1 } });
    const [old] = await capture(app, 3, 'cache');
    const detail = await app.service.handlers.getExchange({ id: old!.id });
    expect(detail?.url).toBe(old!.url);
    expect(JSON.parse(Buffer.from(detail!.response!.body.base64, 'base64').toString())).toMatchObject({ hello: 'world' });
    await app.stop();
  });

  it('tells a renderer which newly recorded exchanges match the filters it queried', async () => {
    const app = await start(tmp());
    const matches: Record<string, string[]> = {};
    app.service.subscribe((events) => {
      for (const e of events) if (e.type === 'exchanges') for (const [f, list] of Object.entries(e.matches ?? {})) (matches[f] ??= []).push(...list);
    });
    await app.service.handlers.queryExchanges({ filter: 'status=404' });
    const [ok] = await capture(app, 1, 'live');
    await viaProxy(app.proxyUrl, `${upstream().httpUrl}/status?code=404&live`);
    // Listed from the first recorded exchange on, matched or not.
    expect(await until('the filter listed', () => matches['status=404'])).not.toContain(ok!.id);
    const missing = await until('404 match', () => (matches['status=404']!.length > 0 ? matches['status=404'] : undefined));
    expect(missing).toHaveLength(1);
    await app.stop();
  });

  it('renames and deletes past sessions; the current one cannot be deleted', async () => {
    const app = await start(tmp());
    const h = app.service.handlers;
    await capture(app, 2, 'old');
    const [old] = await h.listSessions(undefined);
    const fresh = await h.newSession({ name: 'second' });
    expect(fresh).toMatchObject({ name: 'second', current: true, exchanges: 0 });
    expect(await h.renameSession({ id: old!.id, name: 'first' })).toEqual({ ok: true });
    expect(await h.deleteSession({ id: fresh.id })).toMatchObject({ ok: false, error: expect.stringMatching(/current session/) });
    expect(await h.deleteSession({ id: old!.id })).toEqual({ ok: true });
    expect((await h.listSessions(undefined)).map((s) => s.name)).toEqual(['second']);
    expect(await h.countExchanges({ session: 'all' })).toEqual({ ok: true, matched: 0, total: 0 });
    await app.stop();
  });

  it('retention evicts the oldest and says so; clearing and evicting lose no undelivered Runscope message', async () => {
    await collector.stop();
    const forwarding = { bucket: 'sessions', access_token: TOKEN, api_endpoint: collector.url };
    const app = await start(tmp(), { overrides: forwarding, limits: { storedMaxExchanges: 5 } });
    const before = collector.received.length;
    const sent = await capture(app, 12, 'evict');
    const count = await app.service.handlers.countExchanges({});
    if (!count.ok) throw new Error(count.error);
    expect(count.total).toBeLessThanOrEqual(5);
    expect((await app.service.handlers.getStatus(undefined)).evictionNote).toMatch(/retention removed the \d+ oldest exchanges/);
    await app.service.handlers.clearTraffic(undefined);
    expect(await ids(app)).toEqual([]);
    await collector.start();
    await collector.waitFor(before + 12, 20_000);
    expect(new Set(collector.received.slice(before).map((m) => m.unique_identifier))).toEqual(new Set(sent.map((s) => s.id)));
    await app.stop();
  });

  it('a corrupt session file is moved aside, named in the status, and a fresh store started', async () => {
    const dataDir = tmp();
    writeFileSync(join(dataDir, 'sessions.db'), Buffer.alloc(8192, 0x5a));
    const log: string[] = [];
    const app = await start(dataDir, { log: (l) => log.push(l) });
    const note = (await app.service.handlers.getStatus(undefined)).storeNote;
    expect(note).toMatch(/moved aside to .*sessions\.db\.corrupt-/);
    expect(log.join('\n')).toContain('moved aside');
    expect(readdirSync(dataDir).some((f) => f.startsWith('sessions.db.corrupt-'))).toBe(true);
    const [s] = await capture(app, 1, 'fresh');
    expect(await ids(app)).toEqual([s!.id]);
    await app.stop();
  });

  it('a session file that cannot be opened: the status says so, capture goes on in memory', async () => {
    const dataDir = tmp();
    mkdirSync(join(dataDir, 'sessions.db'));
    const app = await start(dataDir);
    expect((await app.service.handlers.getStatus(undefined)).storeNote).toMatch(/not durable.*kept in memory only/);
    const reported = await capture(app, 2, 'memory');
    expect(await ids(app)).toEqual(reported.map((s) => s.id));
    await app.stop();
  });

  it('--no-session-store writes no traffic to disk and answers the same commands from memory', async () => {
    const dataDir = tmp();
    const app = await start(dataDir, { sessionStore: false });
    const reported = await capture(app, 3, 'mem');
    expect(readdirSync(dataDir)).not.toContain('sessions.db');
    expect(await ids(app, 'url*=mem=1')).toEqual([reported[1]!.id]);
    expect(await app.service.handlers.countExchanges({ filter: 'status=200' })).toEqual({ ok: true, matched: 3, total: 3 });
    expect((await app.service.handlers.getStatus(undefined)).storeNote).toMatch(/session store is off/);
    await app.stop();
  });

  it('a full disk: the log says the store cannot write, traffic is unaffected and still reported', async () => {
    const dataDir = tmp();
    // RLIMIT_FSIZE stands in for a full disk: writes past it fail with EFBIG (SIGXFSZ ignored, so it is not fatal).
    const child = await startHeadless(['--port', '0', '--no-ui', '--data-dir', dataDir], {}, 20_000, { fileSizeLimitKb: 256 });
    const N = 150;
    const statuses: number[] = [];
    for (let i = 0; i < N; i++) statuses.push((await viaProxy(String(child.ready.proxy), `${upstream().httpUrl}/big?n=4000&full=${i}`)).status);
    expect(statuses.every((st) => st === 200)).toBe(true);
    await child.waitForCount((e) => e.event === 'exchange', N);
    await until('store failure logged', () => (child.stderr.some((l) => /session store cannot write/.test(l)) ? true : undefined));
    expect(await child.exit()).toBe(0);
  });

  it('kill -9 during capture, then restart: every reported exchange is stored, none twice', async () => {
    const dataDir = tmp();
    const child = await startHeadless(['--port', '0', '--no-ui', '--data-dir', dataDir]);
    const N = 40;
    const sends = Array.from({ length: N }, (_, i) => viaProxy(String(child.ready.proxy), `${upstream().httpUrl}/json?kill=${i}`).catch(() => null));
    await child.waitForCount((e) => e.event === 'exchange', N / 2);
    child.child.kill('SIGKILL');
    await child.exit();
    await Promise.all(sends);
    const reported = child.events.filter((e) => e.event === 'exchange').map((e) => String(e.id));
    const app = await start(dataDir);
    const stored = await ids(app, 'url*=kill=');
    for (const id of reported) expect(stored).toContain(id);
    expect(new Set(stored).size).toBe(stored.length);
    await app.stop();
  });
});
