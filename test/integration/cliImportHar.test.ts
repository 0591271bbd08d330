// `proxyscope import-har` as a real child process with no Proxyscope running
// (it opens sessions.db itself): our own export read back, a browser's HAR,
// invalid files refused whole, and a large file in bounded memory.
// cliImportHarLive.test.ts imports through a running instance.
import { gzipSync } from 'node:zlib';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SessionDb } from '../../electron/core/addons/sessions/sessionDb.js';
import { decodeContent } from '../../electron/core/flow/contentEncoding.js';
import type { Exchange } from '../../electron/core/flow/exchange.js';
import { headerValue } from '../../electron/core/flow/headers.js';
import { body, exchange } from '../support/exchanges.js';
import { carried, importHar, storedSession, writeGeneratedHar } from '../support/harFiles.js';
import { exportHar, jsonLines, query } from '../support/storeCli.js';

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const CHROME_HAR = fileURLToPath(new URL('../fixtures/chrome-export.har', import.meta.url));
const T0 = 1_750_000_000_000;
let dataDir: string;
let exported: string;

/** What the original was, as an import gives it back: the response body decoded. */
function decoded(ex: Exchange) {
  const c = carried(ex);
  const coding = ex.response && headerValue(ex.response.headers, 'content-encoding');
  if (!coding || !ex.response) return c;
  return { ...c, responseBody: decodeContent(ex.response.body.bytes(), coding, false)!.toString('base64') };
}

/** The query's count line, without its time. */
const countLine = async (dir: string, session = 'all') => {
  const { ms: _ms, ...count } = jsonLines((await query(dir, ['--json', '--session', session])).stdout).at(-1)!;
  return count;
};

/** Session 1 (current): five exchanges, one failed, bodies text, binary and gzip. */
beforeAll(async () => {
  dataDir = tmp('cli-import-');
  const db = new SessionDb(join(dataDir, 'sessions.db'), { maxExchanges: 1000, maxBytes: 1e9 }, { now: T0 });
  const at = (i: number) => ({ startedAt: T0 + i * 1000, responseStartedAt: T0 + i * 1000 + 5, endedAt: T0 + i * 1000 + 12 });
  db.write([
    exchange({ id: 'e-1', method: 'GET', url: 'http://api.test/users', status: 200, resHeaders: [['Content-Type', 'application/json']], resBody: body('[{"id":1}]'), ...at(1) }),
    exchange({ id: 'e-2', method: 'POST', url: 'http://api.test/users', status: 201, reqHeaders: [['Content-Type', 'application/json']], reqBody: body('{"name":"é"}'), resBody: body('made'), ...at(2) }),
    exchange({ id: 'e-3', method: 'GET', url: 'http://cdn.test/logo.png', status: 200, resHeaders: [['Content-Type', 'image/png']], resBody: body(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0xff, 0x10])), ...at(3) }),
    exchange({ id: 'e-4', method: 'GET', url: 'http://api.test/zipped', status: 200, resHeaders: [['Content-Encoding', 'gzip'], ['Content-Type', 'text/plain']], resBody: body(gzipSync('compressed text '.repeat(20))), ...at(4) }),
    exchange({ id: 'e-5', method: 'GET', url: 'http://api.test/down', status: null, error: 'upstream refused the connection', ...at(5), responseStartedAt: null }),
  ]);
  db.close();
  exported = join(tmp('cli-import-har-'), 'ours.har');
  const r = await exportHar(dataDir, ['-o', exported]);
  expect(r.code).toBe(0);
});

describe('proxyscope import-har (no instance running)', () => {
  it('reads our own export back into a new session, origin import, the same method, URL, status and bodies; current stays', async () => {
    const r = await importHar(dataDir, [exported, '--json']);
    expect({ code: r.code, stdout: jsonLines(r.stdout) }).toEqual({ code: 0, stdout: [{ event: 'imported', session: 2, name: 'Imported ours.har', count: 5, ms: expect.any(Number) }] });
    expect(r.stderr).toMatch(/^proxyscope: importing .*ours\.har: 100% read, 5 entries\n$/);
    const originals = storedSession(dataDir, 1);
    const imported = storedSession(dataDir, 2);
    expect(imported.map(carried)).toEqual(originals.map(decoded));
    expect(imported.map((ex) => ex.origin)).toEqual(Array(5).fill('import'));
    expect(imported.filter((ex) => originals.some((o) => o.id === ex.id))).toEqual([]);
    // The current session is still the first; `all` holds both.
    expect(await countLine(dataDir, 'current')).toMatchObject({ matched: 5, total: 5 });
    expect(await countLine(dataDir)).toMatchObject({ matched: 10, total: 10 });
    // Without --json: a sentence naming the session; --name names it.
    const named = await importHar(dataDir, [exported, '--name', 'Before the fix']);
    expect({ code: named.code, stdout: named.stdout }).toEqual({ code: 0, stdout: `Imported 5 exchanges from ${exported} into session 3 (Before the fix)\n` });
    // The data dir is let go.
    expect(existsSync(join(dataDir, 'proxyscope.pid'))).toBe(false);
  });

  it('reads a HAR as Chrome exports it: decoded content, base64 images, status 0 with _error, http/2 pseudo-headers', async () => {
    const dir = tmp('cli-import-chrome-');
    const r = await importHar(dir, [CHROME_HAR, '--json']);
    expect({ code: r.code, line: jsonLines(r.stdout)[0] }).toEqual({ code: 0, line: { event: 'imported', session: 1, name: 'Imported chrome-export.har', count: 4, ms: expect.any(Number) } });
    const [page, cart, pixel, failed] = storedSession(dir, 1);
    expect(carried(page!)).toMatchObject({ method: 'GET', url: 'https://shop.example.test/', status: 200, responseBody: Buffer.from('<!doctype html><title>Shop</title><h1>Welcome</h1>\n').toString('base64') });
    // The body came decoded: the Content-Encoding went, so nothing decodes it twice.
    expect(headerValue(page!.response!.headers, 'content-encoding')).toBeUndefined();
    expect(page!.meta.harDecoded).toBe('gzip');
    expect(page!.request.httpVersion).toBe('2.0');
    expect(carried(cart!)).toMatchObject({ method: 'POST', status: 201, requestBody: Buffer.from('{"sku":"tea-42","qty":2}  ').toString('base64') });
    expect(pixel!.response!.body.bytes()).toEqual(Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'));
    expect(carried(failed!)).toMatchObject({ url: 'https://metrics.example.test/collect?e=load', status: null, error: 'net::ERR_CONNECTION_REFUSED' });
    const table = await query(dir, ['--session', 'all']);
    expect(table.stdout).toMatch(/ERR {2}.*https:\/\/metrics\.example\.test\/collect\?e=load {2}\(net::ERR_CONNECTION_REFUSED\)/);
  });

  it('refuses an invalid file whole, exit 2, naming the entry and field; nothing of it is stored', async () => {
    const before = await countLine(dataDir);
    const dir = tmp('cli-import-bad-');
    const notJson = join(dir, 'not-json.har');
    writeFileSync(notJson, '{"log":{"entries":[{"startedDateTime":"2024-05-01T10:00:00Z",]}}');
    const bad = await importHar(dataDir, [notJson]);
    expect({ code: bad.code, stdout: bad.stdout, stderr: bad.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: `proxyscope: cannot import ${notJson}: entries[0]: not valid JSON at byte 62 (unexpected "]"); nothing was imported\n`,
    });
    // Entry 3 lacks request.url, after three good ones were written.
    const ours = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(exported, 'utf8')));
    delete ours.log.entries[3].request.url;
    const noUrl = join(dir, 'no-url.har');
    writeFileSync(noUrl, JSON.stringify(ours));
    const refused = await importHar(dataDir, [noUrl, '--json']);
    expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 2, stdout: '' });
    expect(refused.stderr).toMatch(/proxyscope: cannot import .*no-url\.har: entries\[3\]\.request\.url: missing \(expected a string\); nothing was imported\n$/);
    ours.log.entries[1].response.status = 'ok';
    writeFileSync(noUrl, JSON.stringify(ours));
    expect((await importHar(dataDir, [noUrl])).stderr).toMatch(/entries\[1\]\.response\.status: expected a number, received string \(entry: POST http:\/\/api\.test\/users\); nothing was imported\n$/);
    expect(await countLine(dataDir)).toEqual(before);
    // No session was added: the next import is the next id.
    expect(jsonLines((await importHar(dir, [exported, '--json'])).stdout)[0]).toMatchObject({ session: 1 });
  });

  it('refuses a bad flag or a missing file with exit 2, naming it', async () => {
    const dir = tmp('cli-import-flags-');
    const cases: Array<[string[], RegExp]> = [
      [[], /missing required argument 'file'/],
      [[exported, '--name', '  '], /--name must be 1 to 200 characters/],
      [[exported, '--bogus'], /unknown option '--bogus'/],
      [[join(dir, 'nope.har')], /cannot import .*nope\.har: no such file/],
      [[dir], /cannot import .*: not a file/],
    ];
    for (const [args, message] of cases) {
      const r = await importHar(dir, args);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, 'sessions.db'))).toBe(false);
  });

  // Few entries with large bodies: the file is what must not fit the heap; many entries only cost time.
  it('imports a large HAR (4,000 entries, 60 MB) with a heap far smaller than the file, printing progress as it goes', async () => {
    const dir = tmp('cli-import-large-');
    const file = join(dir, 'large.har');
    const size = await writeGeneratedHar(file, 4_000, 15_000);
    expect(size).toBeGreaterThan(60_000_000);
    // A reader that held the file, or its parsed entries, would need more heap than this.
    const r = await importHar(dir, [file, '--json'], { NODE_OPTIONS: '--max-old-space-size=48' });
    expect({ code: r.code, line: jsonLines(r.stdout)[0] }).toEqual({ code: 0, line: { event: 'imported', session: 1, name: 'Imported large.har', count: 4_000, ms: expect.any(Number) } });
    const progress = r.stderr.trimEnd().split('\n');
    expect(progress.map((l) => Number(/: (\d+)% read/.exec(l)?.[1]))).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    const entries = progress.map((l) => Number(/read, (\d+) entries$/.exec(l)?.[1]));
    expect(entries.every((n, i) => i === 0 || n > entries[i - 1]!)).toBe(true);
    expect(entries.at(-1)).toBe(4_000);
    expect(await countLine(dir)).toMatchObject({ matched: 4_000, total: 4_000 });
    expect(jsonLines((await query(dir, ['--json', '--session', '1', 'status=500'])).stdout).at(-1)).toMatchObject({ matched: 80 });
  });
});
