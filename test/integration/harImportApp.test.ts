// The importHar command against the real core (startApp: the session worker
// thread and sessions.db): steps answered with progress, the sessions event,
// nothing reported as traffic; the argument checked; an import given up or
// cut short by a stop leaves nothing; --no-session-store says why it cannot.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreEvent, ImportHarStep } from '../../electron/core/api.js';
import { parseCommand } from '../../electron/core/apiSchemas.js';
import { startApp, type App } from '../../electron/core/app.js';
import { generatedEntry } from '../support/harFiles.js';

const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
});

const start = async (dataDir: string, more: { sessionStore?: boolean } = {}) => {
  const app = await startApp({ dataDir, port: 0, host: '127.0.0.1', ...more });
  apps.push(app);
  return app;
};

function harChunks(count: number, parts: number): string[] {
  const text = Buffer.from(JSON.stringify({ log: { version: '1.2', entries: Array.from({ length: count }, (_, i) => generatedEntry(i, 100)) } }));
  const size = Math.ceil(text.length / parts);
  return Array.from({ length: parts }, (_, i) => text.subarray(i * size, (i + 1) * size).toString('base64'));
}

const ok = (step: ImportHarStep) => {
  if (!step.ok) throw new Error(step.error);
  return step;
};

describe('importHar (the core)', () => {
  it('answers each step with progress, then the new session (not current); the sessions event lists it; nothing is reported as traffic', async () => {
    const app = await start(mkdtempSync(join(tmpdir(), 'import-app-')));
    const events: CoreEvent[] = [];
    const unsubscribe = app.service.subscribe((batch) => events.push(...batch));
    const reported: string[] = [];
    app.onExchange((s) => reported.push(s.id));
    const [a, b, c] = harChunks(300, 3);
    const first = ok(await app.service.handlers.importHar({ name: 'Imported test.har', chunk: a }));
    expect(first).toMatchObject({ done: false, id: 2, bytes: Buffer.from(a!, 'base64').length });
    const second = ok(await app.service.handlers.importHar({ id: first.id, chunk: b }));
    expect(second.entries).toBeGreaterThan(first.entries);
    const last = ok(await app.service.handlers.importHar({ id: first.id, chunk: c, last: true }));
    expect(last).toMatchObject({ done: true, entries: 300, count: 300, session: { id: 2, name: 'Imported test.har', current: false, exchanges: 300 } });
    const sessions = await app.service.handlers.listSessions(undefined);
    expect(sessions.map((s) => [s.id, s.current])).toEqual([[1, true], [2, false]]);
    // The sessions event lists it (the event batch goes out within a frame).
    await expect.poll(() => events.some((e) => e.type === 'sessions' && e.sessions.some((s) => s.id === 2))).toBe(true);
    expect(reported).toEqual([]);
    expect(await app.service.handlers.countExchanges({ session: 2, filter: 'status=500' })).toEqual({ ok: true, matched: 6, total: 300 });
    unsubscribe();
  });

  it('checks the argument: a name to start, base64, at most 512 KiB a step', () => {
    expect(parseCommand('importHar', { chunk: '' })).toEqual({ ok: false, error: 'importHar: name is required to start an import (no id)' });
    expect(parseCommand('importHar', { name: 'x', chunk: 'not base64!' })).toEqual({ ok: false, error: 'importHar: chunk is not base64' });
    expect(parseCommand('importHar', { name: 'x', chunk: 'A'.repeat(700_000) })).toEqual({ ok: false, error: 'importHar: chunk is over 524288 bytes: send the file in smaller chunks' });
    expect(parseCommand('importHar', { name: 'x', chunk: 'A'.repeat(699_048) })).toMatchObject({ ok: true });
    expect(parseCommand('importHar', { id: 3, abort: true })).toMatchObject({ ok: true });
    expect(parseCommand('importHar', { name: 'x', extra: 1 })).toMatchObject({ ok: false });
  });

  it('an import given up (then no longer under way), or one a stop cuts short, leaves nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'import-app-'));
    let app = await start(dataDir);
    const [a] = harChunks(200, 2);
    const given = ok(await app.service.handlers.importHar({ name: 'given up', chunk: a }));
    expect(await app.service.handlers.importHar({ id: given.id, abort: true })).toEqual({ ok: false, invalid: false, error: 'the import was abandoned' });
    expect(await app.service.handlers.importHar({ id: given.id, chunk: a })).toMatchObject({ ok: false, error: expect.stringMatching(/^no import \d+ under way/) });
    ok(await app.service.handlers.importHar({ name: 'cut short', chunk: a }));
    await app.stop();
    apps.splice(apps.indexOf(app), 1);
    app = await start(dataDir);
    expect((await app.service.handlers.listSessions(undefined)).map((s) => s.id)).toEqual([1]);
    expect(await app.service.handlers.countExchanges({ session: 'all' })).toEqual({ ok: true, matched: 0, total: 0 });
  });

  it('with --no-session-store it says why it cannot import', async () => {
    const app = await start(mkdtempSync(join(tmpdir(), 'import-app-')), { sessionStore: false });
    expect(await app.service.handlers.importHar({ name: 'x', last: true })).toMatchObject({ ok: false, invalid: false, error: expect.stringContaining('--no-session-store') });
  });
});
