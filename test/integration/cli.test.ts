// The headless CLI contract, run as a real child process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../support/collector.js';
import { runCli, startHeadless, type CliEvent } from '../support/headlessProcess.js';
import { scaled } from '../support/scale.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

const TOKEN = 'cli-secret-token-9876';
let upstream: Upstream;
let collector: Collector;
let upstreamCaFile: string;

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const isExchange = (e: CliEvent) => e.event === 'exchange';

beforeAll(async () => {
  upstream = await startUpstream();
  collector = await startCollector({ token: TOKEN, bucket: 'cli-bucket' });
  upstreamCaFile = join(tmp('upstream-ca-'), 'ca.pem');
  writeFileSync(upstreamCaFile, upstream.caPem);
});
afterAll(async () => {
  await collector?.close();
  await upstream?.close();
});

const forwardingFlags = () => ['--bucket', 'cli-bucket', '--access-token', TOKEN, '--api-endpoint', collector.url];

describe('proxyscope --headless --json', () => {
  it('prints ready, then exchange and delivery lines, nothing else on stdout; SIGTERM exits 0', async () => {
    const p = await startHeadless(['--port', '0', '--no-ui', '--data-dir', tmp('cli-'), ...forwardingFlags()], { NODE_EXTRA_CA_CERTS: upstreamCaFile });
    expect(Object.keys(p.ready)).toEqual(['event', 'proxy', 'ca', 'forwarding']);
    expect(p.ready).toMatchObject({ event: 'ready', forwarding: true, proxy: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), ca: expect.stringMatching(/^\/.*\.pem$/) });
    const { readFileSync } = await import('node:fs');
    const ca = readFileSync(String(p.ready.ca), 'utf8');
    await viaProxy(String(p.ready.proxy), `${upstream.httpUrl}/json`);
    await viaProxy(String(p.ready.proxy), `${upstream.httpsUrl}/json`, { ca });
    await p.waitForCount((e) => e.event === 'delivery' && e.state === 'sent', 2);
    const exchanges = p.events.filter(isExchange);
    expect(exchanges.map((e) => [e.method, e.url, e.status])).toEqual([
      ['GET', `${upstream.httpUrl}/json`, 200],
      ['GET', `${upstream.httpsUrl}/json`, 200],
    ]);
    for (const e of exchanges) expect(Object.keys(e)).toEqual(['event', 'id', 'method', 'url', 'status']);
    const delivery = p.events.find((e) => e.event === 'delivery')!;
    expect(Object.keys(delivery)).toEqual(['event', 'id', 'state', 'attempts', 'httpStatus', 'error']);
    expect(delivery).toMatchObject({ state: 'sent', attempts: 1, httpStatus: 201, error: null });
    // Each exchange line precedes its delivery line (the message was on disk first).
    for (const e of exchanges) {
      const i = p.events.indexOf(e);
      const j = p.events.findIndex((d) => d.event === 'delivery' && d.id === e.id);
      expect(j).toBeGreaterThan(i);
    }
    expect(p.events.some((e) => e.event === 'not-json')).toBe(false);
    expect(await p.exit()).toBe(0);
    expect([...p.stdout, ...p.stderr].join('\n')).not.toContain(TOKEN);
  });

  it('--quiet prints running totals instead of a line per exchange and delivery, and the last ones at exit', async () => {
    const p = await startHeadless(['--quiet', '--port', '0', '--no-ui', '--data-dir', tmp('cli-'), ...forwardingFlags()]);
    for (let i = 0; i < 3; i++) await viaProxy(String(p.ready.proxy), `${upstream.httpUrl}/json?q=${i}`);
    await p.waitFor((e) => e.event === 'totals' && e.exchanges === 3 && e.sent === 3);
    expect(await p.exit()).toBe(0);
    const totals = p.events.filter((e) => e.event === 'totals');
    expect(totals.at(-1)).toEqual({ event: 'totals', exchanges: 3, sent: 3, failed: 0 });
    // Printed only when they changed.
    expect(new Set(totals.map((t) => JSON.stringify(t))).size).toBe(totals.length);
    expect(p.events.filter((e) => e.event !== 'ready' && e.event !== 'totals')).toEqual([]);
  });

  it('SIGTERM sent the moment the ready line is read still exits 0 (2 runs, 10 in the soak)', async () => {
    for (let i = 0; i < scaled(2, 10); i++) {
      const p = await startHeadless(['--port', '0', '--no-ui', '--data-dir', tmp('cli-')]);
      expect(await p.exit()).toBe(0);
    }
  });

  it('without bucket and token still captures, and says forwarding is off', async () => {
    const p = await startHeadless(['--port', '0', '--no-ui', '--data-dir', tmp('cli-')]);
    expect(p.ready.forwarding).toBe(false);
    await viaProxy(String(p.ready.proxy), `${upstream.httpUrl}/json`);
    await p.waitFor(isExchange);
    expect(await p.exit()).toBe(0);
  });

  it.each([
    [['--timeout', 'abc'], '--timeout must be a positive integer (ms)'],
    [['--keepalive', '0'], '--keepalive must be a positive integer (ms)'],
    [['--api-endpoint', 'nope'], '--api-endpoint is not a url'],
    [['--port', '99999'], '--port must be an integer'],
    [['--nope'], "unknown option '--nope'"],
    [['--collector', '--collector-token', 'short'], '--collector-token must be 16 to 512 printable characters'],
    [['--collector-port', '9'], '--collector-port and --collector-token need --collector'],
  ])('exits 2 on %j, naming the field', async (args, message) => {
    const { done } = runCli(['--headless', '--data-dir', tmp('cli-'), ...args]);
    const r = await done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('refuses a bad --rules file with exit 2, naming the file, the rule and the field', async () => {
    const dir = tmp('cli-rules-');
    const file = join(dir, 'rules.json');
    writeFileSync(file, JSON.stringify({ rules: [{ name: 'ok', match: '', action: { type: 'no-forward' } }, { name: 'fake', match: 'status=500', action: { type: 'mock' } }] }));
    const r = await runCli(['--headless', '--data-dir', dir, '--rules', file]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--rules ${file}: rule 2 ("fake"): match: mock decides when the request headers arrive`);
    const missing = await runCli(['--headless', '--data-dir', dir, '--rules', join(dir, 'none.json')]).done;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read it (ENOENT)');
  });

  it('runs with --rules: a mock answers and an alert rule prints an alert line, with --quiet too', async () => {
    const dir = tmp('cli-rules-');
    const file = join(dir, 'rules.json');
    // The alert first: a mock ends the matching, so rules after it would not see the mocked exchange.
    const rules = [
      { name: 'client errors', match: 'status>=400', action: { type: 'alert' } },
      { name: 'teapot', match: 'host=tea.invalid', action: { type: 'mock', status: 418, body: 'short' } },
    ];
    writeFileSync(file, JSON.stringify({ version: 1, rules }));
    const p = await startHeadless(['--port', '0', '--no-ui', '--quiet', '--data-dir', dir, '--rules', file]);
    const res = await viaProxy(String(p.ready.proxy), 'http://tea.invalid/pot');
    expect(res.status).toBe(418);
    const alert = await p.waitFor((e) => e.event === 'alert');
    expect(alert).toMatchObject({ event: 'alert', rule: 'client errors', url: 'http://tea.invalid/pot', status: 418, suppressed: 0 });
    expect(await p.exit()).toBe(0);
  });

  it('binds a non-loopback address only with --allow-remote, and warns', async () => {
    const refused = await runCli(['--headless', '--host', '0.0.0.0', '--data-dir', tmp('cli-')]).done;
    expect(refused.code).toBe(2);
    const p = await startHeadless(['--host', '0.0.0.0', '--allow-remote', '--port', '0', '--no-ui', '--data-dir', tmp('cli-')]);
    expect(p.stderr.join('\n')).toMatch(/listening on 0\.0\.0\.0: anyone who can reach this address/);
    const code = await p.exit();
    expect({ code, stderr: p.stderr }).toEqual({ code: 0, stderr: expect.anything() });
  });

  it('a start-up failure says why and never prints the token', async () => {
    const notADir = join(tmp('cli-'), 'file');
    writeFileSync(notADir, 'x');
    const r = await runCli(['--headless', '--data-dir', notADir, '--bucket', 'b', '--access-token', TOKEN]).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/proxyscope: /);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('prints human-readable lines without --json', async () => {
    const { child, done } = runCli(['--headless', '--port', '0', '--no-ui', '--data-dir', tmp('cli-')]);
    let out = '';
    let signalled = false;
    child.stdout!.on('data', (c) => {
      out += c;
      if (!signalled && out.includes('Forwarding to Runscope')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const r = await done;
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(r.stdout).toMatch(/Proxyscope proxy listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toMatch(/Forwarding to Runscope: off/);
  });
});

describe('durability', () => {
  it('collector down: traffic unaffected; collector up: every message delivered', async () => {
    const down = await startCollector({ token: TOKEN, bucket: 'cli-bucket' });
    await down.stop();
    const p = await startHeadless(['--port', '0', '--no-ui', '--data-dir', tmp('cli-'), '--bucket', 'cli-bucket', '--access-token', TOKEN, '--api-endpoint', down.url, '--timeout', '500']);
    const N = 20;
    for (let i = 0; i < N; i++) {
      const res = await viaProxy(String(p.ready.proxy), `${upstream.httpUrl}/json?i=${i}`);
      expect(res.status).toBe(200);
    }
    await p.waitFor((e) => e.event === 'delivery' && e.state === 'retrying');
    await down.start();
    await down.waitFor(N, 30_000);
    const ids = new Set(down.received.map((m) => m.unique_identifier));
    expect(ids.size).toBe(N);
    for (const e of p.events.filter(isExchange)) expect(ids.has(String(e.id))).toBe(true);
    expect(await p.exit()).toBe(0);
    await down.close();
  });

  it('kill -9 with messages queued, restart: every reported exchange is delivered, none twice', async () => {
    const dataDir = tmp('cli-kill-');
    const sink = await startCollector({ token: TOKEN, bucket: 'cli-bucket' });
    await sink.stop();
    const flags = ['--port', '0', '--no-ui', '--data-dir', dataDir, '--bucket', 'cli-bucket', '--access-token', TOKEN, '--api-endpoint', sink.url];
    const first = await startHeadless(flags);
    const N = 30;
    await Promise.all(Array.from({ length: N }, (_, i) => viaProxy(String(first.ready.proxy), `${upstream.httpUrl}/json?k=${i}`)));
    await first.waitForCount(isExchange, N);
    const reported = first.events.filter(isExchange).map((e) => String(e.id));
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    await sink.start();
    const second = await startHeadless(flags);
    await sink.waitFor(N, 30_000);
    await second.waitForCount((e) => e.event === 'delivery' && e.state === 'sent', N);
    const got = sink.received.map((m) => m.unique_identifier);
    expect(new Set(got)).toEqual(new Set(reported));
    expect(got.length).toBe(N);
    expect(await second.exit()).toBe(0);
    await sink.close();
  });
});
