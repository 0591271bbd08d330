// `proxyscope browser`: the running instance starts Debian's Chromium (through
// a wrapper that keeps it headless and off the network, named by
// PROXYSCOPE_BROWSER) through its proxy; its page is captured. `--list` says
// what it finds; with no instance running it says to start one.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { jsonLines, query } from '../support/storeCli.js';
import { killBrowsers, STAY_LOCAL_RULE } from '../support/browsers.js';
import { upstreamForSuite } from '../support/upstreamFixture.js';

const upstream = upstreamForSuite();
const tmp = () => mkdtempSync(join(tmpdir(), 'cli-browser-'));
const pids: number[] = [];
let instance: HeadlessProcess | null = null;
afterAll(async () => {
  killBrowsers(pids);
  await instance?.exit();
});

function wrapper(): string {
  const path = join(tmp(), 'chromium-off-the-network');
  const flags = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'";
  writeFileSync(path, `#!/bin/sh\nexec /usr/bin/chromium ${flags} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('proxyscope browser', () => {
  const browser = wrapper();
  const env = { PROXYSCOPE_BROWSER: browser };

  it('--list prints the browsers it would start', async () => {
    const r = await runCli(['browser', '--list', '--json'], env).done;
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout)).toEqual([{ browsers: [browser] }]);
    const none = await runCli(['browser', '--list'], { PROXYSCOPE_BROWSER: join(tmp(), 'missing') }).done;
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/no Chrome, Chromium, Edge, Brave or Firefox found/);
  });

  it('with no Proxyscope on the data dir, says to start one (exit 1); a URL that is not http(s) is a usage error (exit 2)', async () => {
    const r = await runCli(['browser', '--data-dir', tmp()], env).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no Proxyscope runs on this data dir: start one first/);
    const bad = await runCli(['browser', 'file:///etc/passwd', '--data-dir', tmp()], env).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/url must be an http\(s\) URL/);
  });

  it("asks the running instance, which starts the browser through its proxy: the page is captured", async () => {
    const dataDir = tmp();
    const rules = join(dataDir, 'rules.json');
    // Chromium's own requests come through the proxy: answered here, never sent on.
    writeFileSync(rules, JSON.stringify({ rules: [STAY_LOCAL_RULE] }));
    const upstreamCa = join(dataDir, 'upstream-ca.pem');
    writeFileSync(upstreamCa, upstream().caPem);
    instance = await startHeadless(['--port', '0', '--no-ui', '--data-dir', dataDir, '--rules', rules], { ...env, NODE_EXTRA_CA_CERTS: upstreamCa });
    const url = `${upstream().httpsUrl}/json?from=cli-browser`;
    const r = await runCli(['browser', url, '--data-dir', dataDir, '--json'], env).done;
    expect(r.code, r.stderr).toBe(0);
    const [started] = jsonLines(r.stdout);
    expect(started).toMatchObject({ event: 'browser', browser });
    pids.push(started!.pid as number);
    expect(await instance.waitFor((e) => e.event === 'exchange' && e.url === url, 30_000)).toMatchObject({ status: 200 });
    const [row] = jsonLines((await query(dataDir, ['--json', 'is:browser', 'query*=from=cli-browser'])).stdout).filter((l) => l.id);
    expect(row).toMatchObject({ url });
  });
});
