// The proxy port with the real core and CLI: moved while running (traffic
// flows through the new port, the old one closes), a busy port refused with
// the old listener kept, the saved port used at the next start, a busy saved
// port giving way to the next free one (said in the status and on stderr),
// and an explicit --port that is busy still failing the start.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../electron/core/app.js';
import { runCli, startHeadless } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

let upstream: Upstream;
const running = new Set<App>();
const held = new Set<net.Server>();
const tmp = () => mkdtempSync(join(tmpdir(), 'proxyscope-port-'));
const start = async (dataDir: string, port?: number, reservedPorts?: number[]) => {
  const a = await startApp({ dataDir, port, host: '127.0.0.1', reservedPorts });
  running.add(a);
  return a;
};
const portOf = (url: string) => Number(new URL(url).port);

/** Holds a loopback port (busy for everyone else) until the test's end. */
async function hold(port = 0): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, resolve);
  });
  held.add(server);
  return (server.address() as net.AddressInfo).port;
}
/** A port free now: held, then let go. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
/** A busy port whose next port is free too (the fallback's first choice). */
async function busyWithFreeNext(): Promise<number> {
  for (;;) {
    const port = await hold();
    if (port < 65535 && (await canListen(port + 1))) return port;
  }
}
async function canListen(port: number): Promise<boolean> {
  const probe = net.createServer();
  const ok = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(true));
  });
  if (ok) await new Promise((r) => probe.close(r));
  return ok;
}

beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  for (const a of running) await a.stop();
  for (const s of held) await new Promise((r) => s.close(r));
  await upstream?.close();
});

describe('proxy port', () => {
  it('moves the listener to a new port without a restart: traffic flows there, the old port closes, the port is saved', async () => {
    const dir = tmp();
    const a = await start(dir, 0);
    const oldUrl = a.proxyUrl;
    await viaProxy(oldUrl, `${upstream.httpUrl}/json?port=old`);
    expect(await a.service.handlers.getProxySettings(undefined)).toMatchObject({ url: oldUrl, host: '127.0.0.1', fromFlag: '--port', note: null });

    const port = await freePort();
    const r = await a.service.handlers.saveProxySettings({ port });
    expect(r).toMatchObject({ ok: true, notice: `Proxy now listening on 127.0.0.1:${port}`, view: { port, savedPort: port, url: `http://127.0.0.1:${port}`, fromFlag: null } });
    expect(a.proxyUrl).toBe(`http://127.0.0.1:${port}`);
    expect((await a.service.handlers.getStatus(undefined)).proxy).toBe(`http://127.0.0.1:${port}`);
    expect(JSON.parse(readFileSync(join(dir, 'proxy.json'), 'utf8'))).toEqual({ port });

    const res = await viaProxy(a.proxyUrl, `${upstream.httpUrl}/json?port=new`);
    expect(res.status).toBe(200);
    await until('the exchange through the new port', async () => (await a.service.handlers.listExchanges({})).find((x) => x.url.endsWith('port=new') && x.state === 'complete'));
    await until('the old port closed', () => canListen(portOf(oldUrl)).then((free) => (free ? true : undefined)));
  });

  it('refuses a busy port, naming it, and keeps the old listener; refuses a port out of range', async () => {
    const a = await start(tmp(), 0);
    const before = a.proxyUrl;
    const busy = await hold();
    const r = await a.service.handlers.saveProxySettings({ port: busy });
    expect(r).toEqual({ ok: false, errors: { port: `port ${busy} is in use on 127.0.0.1; the proxy stays on 127.0.0.1:${portOf(before)}` } });
    expect(a.proxyUrl).toBe(before);
    expect((await viaProxy(before, `${upstream.httpUrl}/json?still=1`)).status).toBe(200);
    for (const port of [0, 70000, 1.5, 'x']) {
      expect(await a.service.handlers.saveProxySettings({ port } as never)).toEqual({ ok: false, errors: { port: 'port must be a whole number from 1 to 65535' } });
    }
  });

  it('uses the saved port at the next start when none is given', async () => {
    const dir = tmp();
    const port = await freePort();
    writeFileSync(join(dir, 'proxy.json'), JSON.stringify({ port }));
    const a = await start(dir);
    expect(portOf(a.proxyUrl)).toBe(port);
    expect(await a.service.handlers.getProxySettings(undefined)).toMatchObject({ port, savedPort: port, fromFlag: null, note: null });
  });

  it('takes the next free port when the saved one is busy, skipping reserved ones, and says so in the status', async () => {
    const dir = tmp();
    const busy = await busyWithFreeNext();
    writeFileSync(join(dir, 'proxy.json'), JSON.stringify({ port: busy }));
    const a = await start(dir, undefined, [busy + 1]);
    const port = portOf(a.proxyUrl);
    expect(port).toBeGreaterThan(busy + 1);
    const status = await a.service.handlers.getStatus(undefined);
    expect(status.proxyNote).toBe(`Port ${busy} was busy; using ${port}`);
    expect((await viaProxy(a.proxyUrl, `${upstream.httpUrl}/json?fallback=1`)).status).toBe(200);
    // Choosing a port in Settings ends the note.
    const chosen = await freePort();
    expect((await a.service.handlers.saveProxySettings({ port: chosen })).ok).toBe(true);
    expect((await a.service.handlers.getStatus(undefined)).proxyNote).toBeNull();
  });

  it('headless: without --port the ready line reports the fallback port (never the UI port) and stderr says why', async () => {
    const dir = tmp();
    const busy = await busyWithFreeNext();
    writeFileSync(join(dir, 'proxy.json'), JSON.stringify({ port: busy }));
    const p = await startHeadless(['--ui-port', String(busy + 1), '--data-dir', dir]);
    try {
      const port = portOf(String(p.ready.proxy));
      expect(port).toBeGreaterThan(busy + 1);
      expect(String(p.ready.ui)).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${busy + 1}/`));
      expect(p.stderr).toContain(`proxyscope: Port ${busy} was busy; using ${port}`);
      expect((await viaProxy(String(p.ready.proxy), `${upstream.httpUrl}/json?headless=1`)).status).toBe(200);
    } finally {
      await p.exit();
    }
  });

  it('headless: an explicit --port that is busy still fails the start (exit 1), saved port or not', async () => {
    const dir = tmp();
    const busy = await hold();
    writeFileSync(join(dir, 'proxy.json'), JSON.stringify({ port: await freePort() }));
    const { done } = runCli(['--headless', '--port', String(busy), '--no-ui', '--data-dir', dir]);
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`proxyscope: --port ${busy} is already in use on 127.0.0.1`);
  });
});
