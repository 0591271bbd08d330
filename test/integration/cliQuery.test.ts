// `proxyscope query` and `proxyscope export-har` as real child processes of the
// built CLI, reading a sessions.db written beforehand (no Proxyscope running:
// the offline path). cliQueryLive.test.ts runs them against real instances.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandHandlers } from '../../electron/core/api.js';
import { SessionDb } from '../../electron/core/addons/sessions/sessionDb.js';
import { pageOf, storedExchange } from '../../electron/core/addons/sessions/sessionQueries.js';
import { startControlEndpoint } from '../../electron/core/control/controlEndpoint.js';
import { detailOf } from '../../electron/core/flow/views.js';
import { TOO_LARGE } from '../../electron/core/har/export.js';
import { body, exchange } from '../support/exchanges.js';
import { runCli } from '../support/headlessProcess.js';
import { exportHar, jsonLines, query, ROW_KEYS } from '../support/storeCli.js';

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const T0 = 1_750_000_000_000;
let dataDir: string;

/** Session 1 (past): two exchanges. Session 2 (current): five. */
beforeAll(() => {
  dataDir = tmp('cli-query-');
  const db = new SessionDb(join(dataDir, 'sessions.db'), { maxExchanges: 1000, maxBytes: 1e9 }, { now: T0 });
  const at = (i: number) => ({ startedAt: T0 + i * 1000, responseStartedAt: T0 + i * 1000 + 5, endedAt: T0 + i * 1000 + 12.5 });
  db.write([
    exchange({ id: 'old-1', method: 'GET', url: 'http://old.test/one', status: 200, ...at(1) }),
    exchange({ id: 'old-2', method: 'GET', url: 'http://old.test/two', status: 500, ...at(2) }),
  ]);
  db.startSession('second', T0 + 10_000);
  db.write([
    exchange({ id: 'e-1', method: 'GET', url: 'http://api.test/users', status: 200, resBody: body('x'.repeat(2048)), ...at(11) }),
    exchange({ id: 'e-2', method: 'POST', url: 'http://api.test/users', status: 503, reqBody: body('{"a":1}'), ...at(12) }),
    exchange({ id: 'e-3', method: 'GET', url: 'http://www.test/health', status: 404, ...at(13) }),
    exchange({ id: 'e-4', method: 'DELETE', url: 'http://api.test/users/1', status: 500, ...at(14) }),
    exchange({ id: 'e-5', method: 'GET', url: 'http://api.test/down', status: null, error: 'upstream refused the connection', ...at(15), responseStartedAt: null }),
  ]);
  db.close();
});

describe('proxyscope query (no instance running)', () => {
  it('--json: one line per match, oldest first, with exactly the contract keys, then the count line', async () => {
    const r = await query(dataDir, ['--json']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = jsonLines(r.stdout);
    const rows = lines.slice(0, -1);
    expect(rows.map((l) => l.id)).toEqual(['e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
    for (const row of rows) expect(Object.keys(row).sort()).toEqual([...ROW_KEYS].sort());
    expect(rows[1]).toEqual({ id: 'e-2', session: 2, method: 'POST', url: 'http://api.test/users', status: 503, durationMs: 12.5, requestSize: 7, responseSize: 0, startedAt: T0 + 12_000 });
    expect(rows[0]).toMatchObject({ responseSize: 2048, status: 200 });
    expect(rows[4]).toMatchObject({ status: null });
    expect(lines.at(-1)).toEqual({ event: 'count', matched: 5, total: 5, ms: expect.any(Number) });
    expect(lines.at(-1)!.ms).toBeGreaterThanOrEqual(0);
  });

  it('joins the filter words, so an unquoted filter works like a quoted one', async () => {
    const words = await query(dataDir, ['--json', 'status>=500', 'host*=api']);
    const quoted = await query(dataDir, ['--json', 'status>=500 host*=api']);
    expect(words.code).toBe(0);
    expect(words.stdout.replace(/"ms":[\d.]+/, '')).toBe(quoted.stdout.replace(/"ms":[\d.]+/, ''));
    const lines = jsonLines(words.stdout);
    expect(lines.map((l) => l.id ?? l.event)).toEqual(['e-2', 'e-4', 'count']);
    expect(lines.at(-1)).toMatchObject({ matched: 2, total: 5 });
    // The language's "not" is a leading dash, not a flag.
    expect(jsonLines((await query(dataDir, ['--json', 'status>=400', '-method=POST'])).stdout).map((l) => l.id ?? l.event)).toEqual(['e-3', 'e-4', 'count']);
  });

  it('--session all, a session id, and --limit (the count still says how many matched)', async () => {
    const all = jsonLines((await query(dataDir, ['--json', '--session', 'all', 'status=500'])).stdout);
    expect(all.map((l) => l.id ?? l.event)).toEqual(['old-2', 'e-4', 'count']);
    expect(all.at(-1)).toMatchObject({ matched: 2, total: 7 });
    const past = jsonLines((await query(dataDir, ['--session', '1', '--json'])).stdout);
    expect(past.map((l) => [l.id ?? l.event, l.session])).toEqual([['old-1', 1], ['old-2', 1], ['count', undefined]]);
    const limited = jsonLines((await query(dataDir, ['--json', '--limit', '2'])).stdout);
    expect(limited.map((l) => l.id ?? l.event)).toEqual(['e-1', 'e-2', 'count']);
    expect(limited.at(-1)).toMatchObject({ matched: 5, total: 5 });
    const none = jsonLines((await query(dataDir, ['--json', '--session', '99'])).stdout);
    expect(none).toEqual([{ event: 'count', matched: 0, total: 0, ms: expect.any(Number) }]);
  });

  it('prints a table a person reads by default, then how many matched', async () => {
    const r = await query(dataDir, ['host*=api']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STARTED AT\s+METHOD\s+STATUS\s+DURATION\s+SIZE\s+URL$/);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000\s+GET\s+200\s+12\.5 ms\s+2\.0 KiB\s+http:\/\/api\.test\/users$/);
    expect(lines[2]).toMatch(/\sPOST\s+503\s+12\.5 ms\s+0 B\s+http:\/\/api\.test\/users$/);
    expect(lines[4]).toMatch(/\sGET\s+ERR\s.*http:\/\/api\.test\/down {2}\(upstream refused the connection\)$/);
    expect(lines.at(-1)).toMatch(/^4 matching \(5 exchanges searched, \d+ ms\)\.$/);
    const limited = await query(dataDir, ['--limit', '1']);
    expect(limited.stdout.trimEnd().split('\n').at(-1)).toMatch(/^Showing the first 1 of 5 matching/);
    expect((await query(dataDir, ['method=PATCH'])).stdout).toMatch(/^No matching exchanges \(5 exchanges searched, \d+ ms\)\.\n$/);
  });

  it('releases the data dir after reading: no pid file, no SQLite lock left', async () => {
    await query(dataDir, ['--json']);
    expect(existsSync(join(dataDir, 'proxyscope.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'sessions.db.lock'))).toBe(false);
  });

  it('a data dir without sessions.db: zero rows, count 0/0, exit 0, and no file created', async () => {
    const empty = tmp('cli-empty-');
    const r = await query(empty, ['--json']);
    expect(r).toEqual({ code: 0, stdout: expect.any(String), stderr: '' });
    expect(jsonLines(r.stdout)).toEqual([{ event: 'count', matched: 0, total: 0, ms: expect.any(Number) }]);
    expect(readdirSync(empty)).toEqual([]);
    const missing = join(empty, 'not-there');
    expect((await query(missing, [])).code).toBe(0);
    expect(existsSync(missing)).toBe(false);
  });

  it('a filter that does not parse exits 2 naming the column', async () => {
    const r = await query(dataDir, ['status>=']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/filter error at column 9: /);
    expect(r.stdout).toBe('');
    const har = await exportHar(dataDir, ['-o', join(tmp('cli-har-'), 'x.har'), 'method=GET', '(']);
    expect(har.code).toBe(2);
    expect(har.stderr).toMatch(/filter error at column \d+: /);
  });

  it.each([
    [['--limit', 'abc'], '--limit must be a positive integer'],
    [['--limit', '0'], '--limit must be a positive integer'],
    [['--session', 'latest'], '--session must be current, all or a session id'],
    [['--session', '-1'], '--session must be current, all or a session id'],
    [['--nope'], "unknown option '--nope'"],
  ])('exits 2 on %j, naming the flag', async (args, message) => {
    const r = await query(dataDir, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
});

describe('more matches than one page', () => {
  const N = 2345;
  const id = (i: number) => `p-${String(i).padStart(5, '0')}`;
  let dir: string;
  beforeAll(() => {
    dir = tmp('cli-pages-');
    const db = new SessionDb(join(dir, 'sessions.db'), { maxExchanges: 10_000, maxBytes: 1e9 }, { now: T0 });
    db.write(Array.from({ length: N }, (_, i) => exchange({ id: id(i), method: 'GET', url: `http://pages.test/${i}`, startedAt: T0 + i, responseStartedAt: T0 + i + 1, endedAt: T0 + i + 2 })));
    db.close();
  });

  it('pages through them all, in order, none twice; --limit stops mid-page', async () => {
    const all = jsonLines((await query(dir, ['--json'])).stdout);
    expect(all.slice(0, -1).map((l) => l.id)).toEqual(Array.from({ length: N }, (_, i) => id(i)));
    expect(all.at(-1)).toMatchObject({ event: 'count', matched: N, total: N });
    const limited = jsonLines((await query(dir, ['--json', '--limit', '1500', 'url*=pages'])).stdout);
    expect(limited.slice(0, -1).map((l) => l.id)).toEqual(Array.from({ length: 1500 }, (_, i) => id(i)));
  });

  it('a reader that goes away early (`| head`): exit 0, and the data dir is let go', async () => {
    const { child, done } = runCli(['query', '--data-dir', dir]);
    child.stdout!.once('data', () => child.stdout!.destroy());
    expect((await done).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['sessions.db']);
  });
});

describe('who answers', () => {
  /** A copy of the fixture's data dir, to leave lock and control files in. */
  const copy = () => {
    const dir = tmp('cli-copy-');
    cpSync(dataDir, dir, { recursive: true });
    return dir;
  };

  it('files left by a killed instance (its pid dead) are ignored: sessions.db is read', async () => {
    const dir = copy();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(dir, 'proxyscope.pid'), String(dead));
    writeFileSync(join(dir, 'control.json'), JSON.stringify({ pid: dead, url: 'http://127.0.0.1:9', token: 't' }));
    mkdirSync(join(dir, 'sessions.db.lock'));
    const r = await runCli(['query', '--data-dir', dir, '--json'], { PROXYSCOPE_DEBUG: '1' }).done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('answered by sessions.db');
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ matched: 5, total: 5 });
  });

  it('an instance that goes away mid-command: the command is asked again of whoever answers next', async () => {
    const dir = copy();
    // Plays an instance that stops while answering: it lets go of the data dir, then drops the connection.
    const server = http.createServer((req) => {
      rmSync(join(dir, 'control.json'));
      rmSync(join(dir, 'proxyscope.pid'));
      req.socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(join(dir, 'proxyscope.pid'), String(process.pid));
    writeFileSync(join(dir, 'control.json'), JSON.stringify({ pid: process.pid, url, token: 't' }));
    try {
      const r = await runCli(['query', '--data-dir', dir, '--json', 'status>=500'], { PROXYSCOPE_DEBUG: '1' }).done;
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: 'proxyscope: answered by sessions.db (no instance running)\n' });
      expect(jsonLines(r.stdout).map((l) => l.id ?? l.event)).toEqual(['e-2', 'e-4', 'count']);
    } finally {
      server.close();
    }
  });
});

describe('export-har from an instance whose HAR is more than one answer carries', () => {
  it('asks for one exchange at a time and writes the same file as a direct read', async () => {
    const direct = join(tmp('cli-har-'), 'direct.har');
    expect((await exportHar(dataDir, ['-o', direct, 'status>=500'])).code).toBe(0);

    // This test process plays the instance: a real control endpoint over a real store, with exportHar over its bound.
    const dir = tmp('cli-big-');
    cpSync(dataDir, dir, { recursive: true });
    const store = new SessionDb(join(dir, 'sessions.db'), { maxExchanges: 1000, maxBytes: 1e9 }, { reader: true });
    const handlers: Partial<CommandHandlers> = {
      exportHar: () => ({ ok: false, tooLarge: true, error: TOO_LARGE }),
      queryExchanges: (q) => pageOf(store, q),
      getExchange: ({ id }) => {
        const ex = storedExchange(store, id);
        return ex && detailOf(ex);
      },
    };
    writeFileSync(join(dir, 'proxyscope.pid'), String(process.pid));
    const endpoint = await startControlEndpoint({ dataDir: dir, service: { handlers: handlers as CommandHandlers, subscribe: () => () => undefined } });
    try {
      const viaPages = join(tmp('cli-har-'), 'pages.har');
      const r = await runCli(['export-har', '--data-dir', dir, '-o', viaPages, 'status>=500'], { PROXYSCOPE_DEBUG: '1' }).done;
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
        code: 0,
        stdout: `Exported 2 exchanges to ${viaPages}\n`,
        stderr: `proxyscope: answered by the running instance (pid ${process.pid})\n`,
      });
      expect(statSync(viaPages).mode & 0o777).toBe(0o600);
      expect(readFileSync(viaPages, 'utf8')).toBe(readFileSync(direct, 'utf8'));
    } finally {
      await endpoint.close();
      store.close();
    }
  });
});

describe('proxyscope export-har (no instance running)', () => {
  it('writes the HAR 1.2 of the matches to FILE (0600) and says how many went where', async () => {
    const file = join(tmp('cli-har-'), 'api.har');
    const r = await exportHar(dataDir, ['host*=api', 'status>=500', '-o', file]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`Exported 2 exchanges to ${file}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const har = JSON.parse(readFileSync(file, 'utf8')) as { log: { version: string; creator: { name: string }; entries: Array<Record<string, any>> } };
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator.name).toBe('Proxyscope');
    expect(har.log.entries.map((e) => [e._id, e.request.method, e.request.url, e.response.status])).toEqual([
      ['e-2', 'POST', 'http://api.test/users', 503],
      ['e-4', 'DELETE', 'http://api.test/users/1', 500],
    ]);
    expect(har.log.entries[0]!.request.postData.text).toBe('{"a":1}');
    expect(har.log.entries[0]!.startedDateTime).toBe(new Date(T0 + 12_000).toISOString());
  });

  it('--session all; an empty data dir gives an empty HAR', async () => {
    const file = join(tmp('cli-har-'), 'all.har');
    expect((await exportHar(dataDir, ['--session', 'all', '-o', file])).stdout).toBe(`Exported 7 exchanges to ${file}\n`);
    const empty = join(tmp('cli-har-'), 'empty.har');
    expect((await exportHar(tmp('cli-empty-'), ['-o', empty])).code).toBe(0);
    expect(JSON.parse(readFileSync(empty, 'utf8')).log.entries).toEqual([]);
  });

  it('needs -o, and names it', async () => {
    const r = await runCli(['export-har', '--data-dir', dataDir]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-o, --output <file>/);
  });
});
