// The control endpoint over real HTTP on 127.0.0.1, answering from a real
// (in-memory) session store: who may call it, what it refuses, its token file.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandHandlers, CoreService } from '../../electron/core/api.js';
import { countOf } from '../../electron/core/addons/sessions/sessionCount.js';
import { pageOf } from '../../electron/core/addons/sessions/sessionQueries.js';
import { SessionDb } from '../../electron/core/addons/sessions/sessionDb.js';
import { MAX_BODY_BYTES, startControlEndpoint, type ControlEndpoint, type ControlInfo } from '../../electron/core/control/controlEndpoint.js';
import { endedExchange } from '../support/exchanges.js';

const big = { maxExchanges: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER };
let store: SessionDb;
let endpoint: ControlEndpoint;
let dataDir: string;
let info: ControlInfo;
let cleared = 0;

beforeAll(async () => {
  store = new SessionDb(null, big);
  store.write([endedExchange('a'), endedExchange('b')]);
  const handlers: Partial<CommandHandlers> = {
    queryExchanges: (q) => pageOf(store, q),
    countExchanges: (q) => countOf(store, q),
    listSessions: () => store.sessions(),
    clearTraffic: () => {
      cleared++;
      return { ok: true };
    },
    importHar: (q) => ({ ok: false, invalid: true, error: `import of ${q.name} seen` }),
  };
  const service: CoreService = { handlers: handlers as CommandHandlers, subscribe: () => () => undefined };
  dataDir = mkdtempSync(join(tmpdir(), 'control-'));
  endpoint = await startControlEndpoint({ dataDir, service });
  info = JSON.parse(readFileSync(join(dataDir, 'control.json'), 'utf8')) as ControlInfo;
});
afterAll(async () => {
  await endpoint?.close();
  store?.close();
});

function post(body: string, headers: Record<string, string> = { authorization: `Bearer ${info.token}` }, path = '/command') {
  return fetch(`${info.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}
const command = (name: string, arg?: unknown) => post(JSON.stringify({ name, arg }));

describe('control endpoint', () => {
  it('writes control.json (0600) naming this process, a loopback URL and a token', () => {
    expect(info).toEqual({ pid: process.pid, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), token: expect.stringMatching(/^[\w-]{40,}$/) });
    expect(statSync(join(dataDir, 'control.json')).mode & 0o777).toBe(0o600);
    expect(endpoint.url).toBe(info.url);
  });

  it('answers a read-only command with {ok: true, value}', async () => {
    const res = await command('countExchanges', { session: 'current', filter: 'method=GET' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, value: { ok: true, matched: 2, total: 2 } });
    const page = (await (await command('queryExchanges', { limit: 1 })).json()) as { value: { rows: Array<{ id: string }> } };
    expect(page.value.rows.map((r) => r.id)).toEqual(['a']);
  });

  it('401 without the token or with a wrong one', async () => {
    const body = JSON.stringify({ name: 'listSessions' });
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post(body, { authorization: `Bearer ${info.token}x` })).status).toBe(401);
    expect((await post(body, { authorization: info.token })).status).toBe(401);
  });

  it('403 for a command that changes anything, which is not run', async () => {
    const res = await command('clearTraffic');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ ok: false, error: expect.stringContaining('clearTraffic') });
    expect(cleared).toBe(0);
    expect((await command('saveSettings', { bucket: 'x' })).status).toBe(403);
  });

  it('takes importHar, the one write import-har needs, validated like the others', async () => {
    const res = await command('importHar', { name: 'x.har', chunk: 'e30=', last: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, value: { ok: false, invalid: true, error: 'import of x.har seen' } });
    expect((await command('importHar', { chunk: 'e30=' })).status).toBe(400);
  });

  it('403 for a request a browser sent (it carries an Origin)', async () => {
    expect((await post(JSON.stringify({ name: 'listSessions' }), { authorization: `Bearer ${info.token}`, origin: 'http://evil.example' })).status).toBe(403);
  });

  it('400 for a body that is not a command, an unknown command, or arguments the schema refuses', async () => {
    expect((await post('not json')).status).toBe(400);
    expect((await post('[1]')).status).toBe(400);
    expect((await post('{"arg": {}}')).status).toBe(400);
    expect((await command('dropEverything')).status).toBe(400);
    const bad = await command('queryExchanges', { limit: 'lots' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ ok: false, error: expect.stringMatching(/^queryExchanges: limit /) });
  });

  it('404 elsewhere, 405 for anything but POST', async () => {
    expect((await post('{}', { authorization: `Bearer ${info.token}` }, '/other')).status).toBe(404);
    expect((await fetch(`${info.url}/command`, { headers: { authorization: `Bearer ${info.token}` } })).status).toBe(405);
  });

  it('413 for a body over the bound, declared or streamed', async () => {
    const huge = JSON.stringify({ name: 'listSessions', arg: 'x'.repeat(MAX_BODY_BYTES) });
    expect((await post(huge)).status).toBe(413);
    const streamed = await new Promise<number>((resolve, reject) => {
      const u = new URL(info.url);
      const req = http.request({ host: u.hostname, port: u.port, method: 'POST', path: '/command', headers: { authorization: `Bearer ${info.token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // Chunked: no length to refuse up front; the bound is counted as the body arrives.
      for (let i = 0; i < 5; i++) req.write(Buffer.alloc(MAX_BODY_BYTES / 4, 0x20));
      req.end();
    });
    expect(streamed).toBe(413);
  });

  it('close() removes control.json and stops listening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'control-'));
    const other = await startControlEndpoint({ dataDir: dir, service: { handlers: {} as CommandHandlers, subscribe: () => () => undefined } });
    expect(existsSync(join(dir, 'control.json'))).toBe(true);
    await other.close();
    expect(existsSync(join(dir, 'control.json'))).toBe(false);
    await expect(fetch(`${other.url}/command`, { method: 'POST' })).rejects.toThrow();
  });
});
