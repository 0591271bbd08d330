// Settings' capture limits with the real core: saved (capture.json, 0600),
// refused naming the field with nothing changed, applied to new exchanges
// without a restart, kept for the next start, and a flag winning for its run.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureLimits } from '../../electron/core/settings/captureLimits.js';
import { startApp, type App } from '../../electron/core/app.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

let upstream: Upstream;
const running = new Set<App>();
const tmp = () => mkdtempSync(join(tmpdir(), 'proxyscope-capture-settings-'));
const start = async (dataDir: string, limits?: Partial<CaptureLimits>) => {
  const a = await startApp({ dataDir, port: 0, host: '127.0.0.1', limits });
  running.add(a);
  return a;
};
const stop = async (a: App) => {
  running.delete(a);
  await a.stop();
};

beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  for (const a of running) await a.stop();
  await upstream?.close();
});

/** Sends one request for `n` bytes and answers the recorded response body (what was kept of it). */
async function captured(a: App, n: number, tag: string) {
  const url = `${upstream.httpUrl}/big?n=${n}&tag=${tag}`;
  const res = await viaProxy(a.proxyUrl, url);
  expect(res.body.length).toBe(n);
  const row = await until(`the exchange for ${tag}`, async () => (await a.service.handlers.listExchanges({})).find((r) => r.url === url && r.state === 'complete'));
  const detail = await a.service.handlers.getExchange({ id: row.id });
  return detail!.response!.body;
}

describe('capture settings', () => {
  it('saves valid limits to capture.json (0600) and applies the body cap to the next exchange, no restart', async () => {
    const dir = tmp();
    const a = await start(dir);
    const before = await a.service.handlers.getCaptureSettings(undefined);
    expect(before).toEqual({ values: { maxBodyBytes: 1024 * 1024, storeMaxExchanges: 1000, storedMaxExchanges: 1_000_000, storedMaxBytes: 4 * 1024 ** 3 }, fromFlag: {}, sessionStore: true });
    expect(await captured(a, 5000, 'before')).toMatchObject({ size: 5000, truncated: false });

    const saved = await a.service.handlers.saveCaptureSettings({ maxBodyBytes: 100 });
    expect(saved).toMatchObject({ ok: true, view: { values: { maxBodyBytes: 100 } } });
    const file = join(dir, 'capture.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ maxBodyBytes: 100 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const body = await captured(a, 5000, 'after');
    expect(body).toMatchObject({ size: 5000, truncated: true });
    expect(Buffer.from(body.base64, 'base64').length).toBe(100);
  });

  it('refuses bad input naming each field, and keeps the previous values and file', async () => {
    const dir = tmp();
    const a = await start(dir);
    expect((await a.service.handlers.saveCaptureSettings({ storedMaxExchanges: 500 })).ok).toBe(true);
    const fileBefore = readFileSync(join(dir, 'capture.json'), 'utf8');
    const r = await a.service.handlers.saveCaptureSettings({ maxBodyBytes: -1, storedMaxBytes: 'lots', storeMaxExchanges: 2.5, colour: 'blue' } as never);
    expect(r).toEqual({
      ok: false,
      errors: {
        maxBodyBytes: 'maxBodyBytes must be a whole number of 0 or more',
        storedMaxBytes: 'storedMaxBytes must be a whole number of 1 or more',
        storeMaxExchanges: 'storeMaxExchanges must be a whole number of 1 or more',
        colour: 'colour is not a capture setting',
      },
    });
    expect((await a.service.handlers.getCaptureSettings(undefined)).values).toMatchObject({ maxBodyBytes: 1024 * 1024, storedMaxExchanges: 500 });
    expect(readFileSync(join(dir, 'capture.json'), 'utf8')).toBe(fileBefore);
    // Over the transport the same answer: the argument is an object of anything, each field checked by the core.
    const { parseCommand } = await import('../../electron/core/apiSchemas.js');
    expect(parseCommand('saveCaptureSettings', 'x')).toMatchObject({ ok: false });
  });

  it('applies stored retention at once: lowering it evicts the oldest exchanges and says so', async () => {
    const a = await start(tmp());
    for (let i = 0; i < 6; i++) await viaProxy(a.proxyUrl, `${upstream.httpUrl}/json?retention=${i}`);
    await until('6 stored', async () => {
      const c = await a.service.handlers.countExchanges({ session: 'all' });
      return c.ok && c.total === 6 ? c : undefined;
    });
    expect((await a.service.handlers.saveCaptureSettings({ storedMaxExchanges: 2 })).ok).toBe(true);
    const c = await a.service.handlers.countExchanges({ session: 'all' });
    expect(c.ok && c.total).toBeLessThanOrEqual(2);
    const status = await until('the eviction note', async () => (await a.service.handlers.getStatus(undefined)).evictionNote ?? undefined);
    expect(status).toMatch(/^retention removed the \d+ oldest exchanges to stay within 2 exchanges or/);
  });

  it('keeps the saved values for the next start, where they apply from the first exchange', async () => {
    const dir = tmp();
    const first = await start(dir);
    expect((await first.service.handlers.saveCaptureSettings({ maxBodyBytes: 64, storeMaxExchanges: 50 })).ok).toBe(true);
    await stop(first);
    const second = await start(dir);
    expect((await second.service.handlers.getCaptureSettings(undefined)).values).toMatchObject({ maxBodyBytes: 64, storeMaxExchanges: 50 });
    expect(await captured(second, 1000, 'restarted')).toMatchObject({ size: 1000, truncated: true });
  });

  it('a flag wins over the saved value for its run, and the view says which flag', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'capture.json'), JSON.stringify({ maxBodyBytes: 100, storedMaxExchanges: 9000 }), { mode: 0o600 });
    const a = await start(dir, { maxBodyBytes: 2000 });
    const view = await a.service.handlers.getCaptureSettings(undefined);
    expect(view.values).toMatchObject({ maxBodyBytes: 2000, storedMaxExchanges: 9000 });
    expect(view.fromFlag).toEqual({ maxBodyBytes: '--max-body-bytes' });
    // Saving another field (or this one, for later starts) leaves the flag's value in force.
    expect(await a.service.handlers.saveCaptureSettings({ maxBodyBytes: 10, storedMaxExchanges: 8000 })).toMatchObject({ ok: true, view: { values: { maxBodyBytes: 2000, storedMaxExchanges: 8000 } } });
    expect(await captured(a, 1500, 'flag')).toMatchObject({ size: 1500, truncated: false });
    expect(JSON.parse(readFileSync(join(dir, 'capture.json'), 'utf8'))).toMatchObject({ maxBodyBytes: 10, storedMaxExchanges: 8000 });
  });

  it('a damaged capture.json is ignored with a warning, not a failed start', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'capture.json'), '{ not json');
    const lines: string[] = [];
    const a = await startApp({ dataDir: dir, port: 0, host: '127.0.0.1', log: (l) => lines.push(l) });
    running.add(a);
    expect((await a.service.handlers.getCaptureSettings(undefined)).values.maxBodyBytes).toBe(1024 * 1024);
    expect(lines.some((l) => l.startsWith(`ignored ${join(dir, 'capture.json')}`))).toBe(true);
  });
});
