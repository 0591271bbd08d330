// `proxyscope query` and `export-har` against what a real headless instance
// captured through its proxy: while it runs (answered by its control endpoint,
// since it holds sessions.db exclusively), then after it stopped (sessions.db read
// directly). Both must give the same answers.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlInfo } from '../../electron/core/control/controlEndpoint.js';
import { runCli, startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { exportHar, jsonLines, query, ROW_KEYS } from '../support/storeCli.js';
import { upstreamForSuite } from '../support/upstreamFixture.js';

const upstream = upstreamForSuite();
const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const withoutMs = (stdout: string) => stdout.replace(/"ms":[\d.]+/, '"ms":0');
const ids = (stdout: string) => jsonLines(stdout).map((l) => l.id ?? l.event);

let dataDir: string;
let instance: HeadlessProcess | null = null;
/** What the running instance answered, compared with the offline answers after it stopped. */
const online = new Map<string, string>();

const QUERIES: Array<[string, string[]]> = [
  ['all', ['--json']],
  ['errors', ['--json', 'status>=400']],
  ['words', ['--json', 'status>=400', '-path^=/status']],
  ['limit', ['--json', '--limit', '2']],
];

beforeAll(async () => {
  dataDir = tmp('cli-live-');
  instance = await startHeadless(['--port', '0', '--no-ui', '--data-dir', dataDir]);
  const proxy = String(instance.ready.proxy);
  for (const path of ['/json', '/status?code=503', '/status?code=404', '/json?second=1', '/nothing-here']) {
    await viaProxy(proxy, `${upstream().httpUrl}${path}`);
  }
  // An exchange line is printed once the exchange is committed to sessions.db.
  await instance.waitForCount((e) => e.event === 'exchange', 5);
});
afterAll(async () => {
  await instance?.exit();
});

const control = () => JSON.parse(readFileSync(join(dataDir, 'control.json'), 'utf8')) as ControlInfo;
const command = (body: unknown, token = control().token) =>
  fetch(`${control().url}/command`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

describe('while an instance runs on the data dir', () => {
  it('it publishes its control endpoint in control.json (0600)', () => {
    const info = control();
    expect(info).toEqual({ pid: instance!.child.pid, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), token: expect.any(String) });
    expect(statSync(join(dataDir, 'control.json')).mode & 0o777).toBe(0o600);
  });

  it('query answers through it: the captured exchanges, oldest first, then the count', async () => {
    for (const [name, args] of QUERIES) {
      const r = await query(dataDir, args);
      expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: '' });
      online.set(name, r.stdout);
    }
    const all = jsonLines(online.get('all')!);
    const base = upstream().httpUrl;
    expect(all.slice(0, -1).map((l) => [l.method, l.url, l.status])).toEqual([
      ['GET', `${base}/json`, 200],
      ['GET', `${base}/status?code=503`, 503],
      ['GET', `${base}/status?code=404`, 404],
      ['GET', `${base}/json?second=1`, 200],
      ['GET', `${base}/nothing-here`, 404],
    ]);
    for (const row of all.slice(0, -1)) {
      expect(Object.keys(row).sort()).toEqual([...ROW_KEYS].sort());
      expect(row).toMatchObject({ session: 1, requestSize: 0, durationMs: expect.any(Number), startedAt: expect.any(Number) });
    }
    expect(all[0]!.responseSize).toBeGreaterThan(0);
    expect(all.at(-1)).toEqual({ event: 'count', matched: 5, total: 5, ms: expect.any(Number) });
    expect(jsonLines(online.get('errors')!).map((l) => l.status ?? l.matched)).toEqual([503, 404, 404, 3]);
    expect(jsonLines(online.get('words')!).map((l) => l.url ?? l.matched)).toEqual([`${base}/nothing-here`, 1]);
    expect(jsonLines(online.get('limit')!).at(-1)).toMatchObject({ matched: 5, total: 5 });
    expect(ids(online.get('limit')!)).toHaveLength(3);
  });

  it('export-har answers through it too, and a bad filter still exits 2 with its column', async () => {
    const file = join(tmp('cli-live-har-'), 'errors.har');
    const r = await exportHar(dataDir, ['-o', file, 'status=404']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: `Exported 2 exchanges to ${file}\n` });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const har = JSON.parse(readFileSync(file, 'utf8'));
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries.map((e: { response: { status: number } }) => e.response.status)).toEqual([404, 404]);
    online.set('har', readFileSync(file, 'utf8'));
    const debug = await runCli(['query', '--data-dir', dataDir, '--json'], { PROXYSCOPE_DEBUG: '1' }).done;
    expect(debug.stderr).toContain(`proxyscope: answered by the running instance (pid ${instance!.child.pid})`);
    const bad = await query(dataDir, ['status>>3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/filter error at column \d+: /);
  });

  it('the endpoint refuses a caller without the token (401), a write command (403) and a body over 1 MiB (413)', async () => {
    expect((await command({ name: 'listSessions' }, 'wrong')).status).toBe(401);
    const write = await command({ name: 'clearTraffic' });
    expect(write.status).toBe(403);
    expect((await command({ name: 'newSession', arg: {} })).status).toBe(403);
    expect((await command({ name: 'countExchanges', arg: { filter: 'x'.repeat(1024 * 1024) } })).status).toBe(413);
    // Nothing was cleared, no session started.
    const sessions = (await (await command({ name: 'listSessions' })).json()) as { value: Array<{ id: number; exchanges: number }> };
    expect(sessions.value.map((s) => [s.id, s.exchanges])).toEqual([[1, 5]]);
  });
});

describe('after the instance stopped', () => {
  beforeAll(async () => {
    expect(await instance!.exit()).toBe(0);
    instance = null;
  });

  it('control.json and the pid file are gone', () => {
    expect(existsSync(join(dataDir, 'control.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'proxyscope.pid'))).toBe(false);
  });

  it('the same queries read sessions.db directly and answer exactly as the instance did', async () => {
    for (const [name, args] of QUERIES) {
      const r = await query(dataDir, args);
      expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: '' });
      expect(withoutMs(r.stdout)).toBe(withoutMs(online.get(name)!));
    }
    const debug = await runCli(['query', '--data-dir', dataDir, '--json'], { PROXYSCOPE_DEBUG: '1' }).done;
    expect(debug.stderr).toContain('proxyscope: answered by sessions.db (no instance running)');
    const file = join(tmp('cli-live-har-'), 'errors.har');
    expect((await exportHar(dataDir, ['-o', file, 'status=404'])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(online.get('har'));
  });

  it('an instance run with --no-session-store answers from its memory', async () => {
    const dir = tmp('cli-live-memory-');
    const p = await startHeadless(['--port', '0', '--no-ui', '--no-session-store', '--data-dir', dir]);
    try {
      await viaProxy(String(p.ready.proxy), `${upstream().httpUrl}/status?code=418`);
      await p.waitFor((e) => e.event === 'exchange');
      const lines = jsonLines((await query(dir, ['--json', 'status=418'])).stdout);
      expect(lines.map((l) => l.status ?? l.event)).toEqual([418, 'count']);
      expect(Object.keys(lines[0]!).sort()).toEqual([...ROW_KEYS].sort());
    } finally {
      expect(await p.exit()).toBe(0);
    }
    expect(existsSync(join(dir, 'sessions.db'))).toBe(false);
  });

  it('a query started as an instance stops waits for it and answers', async () => {
    const p = await startHeadless(['--port', '0', '--no-ui', '--data-dir', dataDir]);
    const stopped = p.exit();
    const r = await query(dataDir, ['--json']);
    expect(await stopped).toBe(0);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(withoutMs(r.stdout)).toBe(withoutMs(online.get('all')!));
  });
});
