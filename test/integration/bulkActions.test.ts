// Pins and deletes on a selection, through the real core and session store:
// a pin is kept with the exchange (is:pinned finds it, in memory and stored),
// a delete takes exchanges out of memory, the store and the session's count,
// and `id=` selects exactly the exchanges named (how the UI's bulk actions
// address a selection).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../electron/core/api.js';
import { parseCommand } from '../../electron/core/apiSchemas.js';
import { startApp, type App } from '../../electron/core/app.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

let upstream: Upstream;
let app: App;
const recorded: ExchangeSummary[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'proxyscope-bulk-')), port: 0, host: '127.0.0.1' });
  app.onExchange((s) => recorded.push(s));
});

afterAll(async () => {
  await app?.stop();
  await upstream?.close();
});

const h = () => app.service.handlers;
const ids = async (filter: string) => {
  const page = await h().queryExchanges({ filter, limit: 100 });
  if (!page.ok) throw new Error(page.error);
  return page.rows.map((r) => r.id);
};

describe('bulk actions', () => {
  it('pins, unpins and deletes a selection; id= selects exactly the ids named', async () => {
    for (let i = 0; i < 4; i++) await viaProxy(app.proxyUrl, `${upstream.httpUrl}/json?bulk=${i}`);
    const rows = await until('four recorded', () => (recorded.length >= 4 ? recorded.slice(0, 4) : undefined));
    const [a, b, c, d] = rows.map((r) => r.id) as [string, string, string, string];

    expect((await ids(`id=${a} or id=${c}`)).sort()).toEqual([a, c].sort());
    expect(await h().pinExchanges({ ids: [a, b], pinned: true })).toEqual({ ok: true, count: 2 });
    expect((await ids('is:pinned')).sort()).toEqual([a, b].sort());
    const page = await h().queryExchanges({ filter: `id=${a} or id=${c}`, limit: 10 });
    expect(page.ok && page.rows.map((r) => [r.id, r.pinned ?? false])).toEqual(expect.arrayContaining([[a, true], [c, false]]));
    expect((await h().getExchange({ id: a }))?.meta).toMatchObject({ pinned: true });
    await h().pinExchanges({ ids: [a], pinned: false });
    expect(await ids('is:pinned')).toEqual([b]);

    const before = (await h().listSessions(undefined)).find((s) => s.current)!.exchanges;
    expect(await h().deleteExchanges({ ids: [b, d, 'no-such-id'] })).toEqual({ ok: true, deleted: 2 });
    expect((await ids('')).sort()).toEqual([a, c].sort());
    expect(await h().getExchange({ id: b })).toBeNull();
    expect((await h().listSessions(undefined)).find((s) => s.current)!.exchanges).toBe(before - 2);
    expect(await h().countExchanges({})).toMatchObject({ matched: 2, total: before - 2 });
    expect(await ids('is:pinned')).toEqual([]);
  });

  it('refuses an empty or oversized selection, naming the field', () => {
    expect(parseCommand('pinExchanges', { ids: [], pinned: true })).toMatchObject({ ok: false, error: expect.stringMatching(/^pinExchanges: ids/) });
    expect(parseCommand('deleteExchanges', { ids: Array.from({ length: 501 }, (_, i) => `x${i}`) })).toMatchObject({ ok: false, error: expect.stringMatching(/^deleteExchanges: ids/) });
    expect(parseCommand('pinExchanges', { ids: ['a'] })).toMatchObject({ ok: false, error: expect.stringMatching(/pinned/) });
  });
});
