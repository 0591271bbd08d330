// `proxyscope import-har` while a real headless instance runs on the data dir
// (it holds sessions.db, so the import goes through its control endpoint and
// its session worker): traffic it captured, exported and imported back, is not
// reported as traffic nor forwarded, does not change the current session; an
// invalid file leaves nothing behind; a large one streams in with progress.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlInfo } from '../../electron/core/control/controlEndpoint.js';
import { startCollector, type Collector } from '../support/collector.js';
import { carried, importHar, storedSession, writeGeneratedHar } from '../support/harFiles.js';
import { startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { exportHar, jsonLines, query } from '../support/storeCli.js';
import { upstreamForSuite } from '../support/upstreamFixture.js';

const TOKEN = 'import-live-token-4242';
const upstream = upstreamForSuite();
const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const isExchange = (e: { event: string }) => e.event === 'exchange';

let dataDir: string;
let collector: Collector;
let instance: HeadlessProcess | null = null;
let exported: string;

const rows = async (session: string) => jsonLines((await query(dataDir, ['--json', '--session', session])).stdout);
const control = () => JSON.parse(readFileSync(join(dataDir, 'control.json'), 'utf8')) as ControlInfo;
const listSessions = async () => {
  const res = await fetch(`${control().url}/command`, { method: 'POST', headers: { authorization: `Bearer ${control().token}` }, body: JSON.stringify({ name: 'listSessions' }) });
  return ((await res.json()) as { value: Array<{ id: number; name: string; exchanges: number; current: boolean }> }).value;
};

beforeAll(async () => {
  collector = await startCollector({ token: TOKEN, bucket: 'import-bucket' });
  dataDir = tmp('cli-import-live-');
  instance = await startHeadless(['--port', '0', '--no-ui', '--data-dir', dataDir, '--bucket', 'import-bucket', '--access-token', TOKEN, '--api-endpoint', collector.url, '--log-body']);
  const proxy = String(instance.ready.proxy);
  await viaProxy(proxy, `${upstream().httpUrl}/json`);
  await viaProxy(proxy, `${upstream().httpUrl}/echo`, { method: 'POST', body: '{"hello":"wörld"}' });
  await viaProxy(proxy, `${upstream().httpUrl}/binary`);
  await viaProxy(proxy, `${upstream().httpUrl}/gzip`);
  await viaProxy(proxy, `${upstream().httpUrl}/status?code=503`);
  // An exchange line is printed once it is committed; each is forwarded too.
  await instance.waitForCount(isExchange, 5);
  await collector.waitFor(5);
  exported = join(tmp('cli-import-live-har-'), 'captured.har');
  expect((await exportHar(dataDir, ['-o', exported])).code).toBe(0);
});
afterAll(async () => {
  await instance?.exit();
  await collector?.close();
});

describe('import-har while an instance runs', () => {
  it('imports through the instance into a new session that is not current; the rows match what was captured', async () => {
    const r = await importHar(dataDir, [exported, '--json'], { PROXYSCOPE_DEBUG: '1' });
    expect({ code: r.code, stdout: jsonLines(r.stdout) }).toEqual({ code: 0, stdout: [{ event: 'imported', session: 2, name: 'Imported captured.har', count: 5, ms: expect.any(Number) }] });
    expect(r.stderr).toContain('100% read, 5 entries');
    expect(r.stderr).toContain(`proxyscope: answered by the running instance (pid ${instance!.child.pid})`);
    const captured = (await rows('1')).slice(0, -1);
    const imported = (await rows('2')).slice(0, -1);
    expect(imported.map((l) => [l.method, l.url, l.status, l.requestSize])).toEqual(captured.map((l) => [l.method, l.url, l.status, l.requestSize]));
    expect(imported.every((l) => l.session === 2)).toBe(true);
    expect(await listSessions()).toEqual([
      expect.objectContaining({ id: 1, current: true, exchanges: 5 }),
      expect.objectContaining({ id: 2, name: 'Imported captured.har', current: false, exchanges: 5 }),
    ]);
    // Bodies: the imported session exported again carries the same contents.
    const again = join(tmp('cli-import-live-again-'), 'again.har');
    expect((await exportHar(dataDir, ['-o', again, '--session', '2'])).code).toBe(0);
    const contents = (file: string) =>
      (JSON.parse(readFileSync(file, 'utf8')) as { log: { entries: Array<{ request: { postData?: { text: string } }; response: { content: { text: string } } }> } }).log.entries.map((e) => [e.request.postData?.text, e.response.content.text]);
    expect(contents(again)).toEqual(contents(exported));
  });

  it('imported exchanges are not reported as traffic nor forwarded, and new traffic goes to the current session', async () => {
    await viaProxy(String(instance!.ready.proxy), `${upstream().httpUrl}/json?after=import`);
    await instance!.waitForCount(isExchange, 6);
    await collector.waitFor(6);
    const importedIds = new Set((await rows('2')).slice(0, -1).map((l) => l.id));
    expect(instance!.events.filter(isExchange)).toHaveLength(6);
    expect(instance!.events.filter((e) => isExchange(e) && importedIds.has(String(e.id)))).toEqual([]);
    expect(collector.received.filter((m) => importedIds.has(m.unique_identifier))).toEqual([]);
    expect(collector.received).toHaveLength(6);
    expect((await rows('current')).at(-2)).toMatchObject({ session: 1, url: `${upstream().httpUrl}/json?after=import` });
  });

  it('an invalid file is refused with exit 2 naming the entry and field; nothing of it is in the store', async () => {
    const har = JSON.parse(readFileSync(exported, 'utf8'));
    delete har.log.entries[3].request.url;
    const bad = join(tmp('cli-import-live-bad-'), 'bad.har');
    writeFileSync(bad, JSON.stringify(har));
    const before = (await rows('all')).at(-1);
    const r = await importHar(dataDir, [bad]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/proxyscope: cannot import .*bad\.har: entries\[3\]\.request\.url: missing \(expected a string\); nothing was imported\n$/);
    expect((await rows('all')).at(-1)).toMatchObject({ matched: before!.matched, total: before!.total });
    expect((await listSessions()).map((s) => s.id)).toEqual([1, 2]);
  });

  it('a large HAR (3,000 entries, 6 MB) streams in through the instance in chunks, with progress lines', async () => {
    const file = join(tmp('cli-import-live-large-'), 'large.har');
    await writeGeneratedHar(file, 3_000, 1500);
    const r = await importHar(dataDir, [file, '--json']);
    expect({ code: r.code, line: jsonLines(r.stdout)[0] }).toEqual({ code: 0, line: { event: 'imported', session: 3, name: 'Imported large.har', count: 3_000, ms: expect.any(Number) } });
    const percents = r.stderr.trimEnd().split('\n').map((l) => Number(/: (\d+)% read/.exec(l)?.[1]));
    expect(percents.at(-1)).toBe(100);
    expect(percents.length).toBeGreaterThanOrEqual(5);
    expect(percents.every((p, i) => i === 0 || p > percents[i - 1]!)).toBe(true);
    expect((await rows('3')).at(-1)).toMatchObject({ matched: 3_000, total: 3_000 });
  });
});

describe('after the instance stopped', () => {
  beforeAll(async () => {
    expect(await instance!.exit()).toBe(0);
    instance = null;
  });

  it('the imported exchanges are in sessions.db with origin import, as captured (bodies decoded)', () => {
    const captured = storedSession(dataDir, 1).slice(0, 5);
    const imported = storedSession(dataDir, 2);
    expect(imported.map((ex) => ex.origin)).toEqual(Array(5).fill('import'));
    const gzipFree = (ex: ReturnType<typeof carried>) => ({ ...ex, responseBody: ex.url.endsWith('/gzip') ? null : ex.responseBody });
    expect(imported.map(carried).map(gzipFree)).toEqual(captured.map(carried).map(gzipFree));
    const zipped = imported.find((ex) => ex.request.url.endsWith('/gzip'))!;
    expect(zipped.response!.body.bytes().length).toBeGreaterThan(0);
    expect(zipped.meta.harDecoded).toBe('gzip');
  });
});
