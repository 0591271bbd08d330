// "Copy as cURL" run for real: an exchange captured through the proxy, its
// cURL command generated as the UI does and run by /usr/bin/curl (in bash, as
// a user pastes it) straight at the same local upstream; the answer is the
// captured one, status and body, and the upstream gets the same request.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeDetail, ExchangeSummary } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import { snippetFor } from '../../renderer/src/components/workbench/snippets.js';
import { viaProxy, type ProxiedRequest } from '../support/proxyClient.js';
import { BINARY } from '../support/upstream.js';
import { upstreamForSuite } from '../support/upstreamFixture.js';
import { until } from '../support/until.js';

const upstream = upstreamForSuite();
const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'copy-as-curl-'));
let app: App;
const recorded: ExchangeSummary[] = [];

beforeAll(async () => {
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'proxyscope-curl-')), port: 0, host: '127.0.0.1' });
  app.onExchange((s) => recorded.push(s));
});
afterAll(async () => app?.stop());

async function captured(url: string, req: ProxiedRequest): Promise<ExchangeDetail> {
  await viaProxy(app.proxyUrl, url, req);
  const s = await until(`${url} recorded`, () => recorded.find((r) => r.url === url));
  return (await app.service.handlers.getExchange({ id: s.id }))!;
}

/** Runs the command as pasted into bash, with curl told to write the body to a file and print the status. */
async function curl(command: string, name: string): Promise<{ status: number; body: Buffer }> {
  const file = join(out, name);
  const env = { PATH: '/usr/bin:/bin', HOME: out }; // no *_proxy variables: curl goes straight to the upstream
  const { stdout } = await run('/bin/bash', ['-c', `${command} --silent --show-error --output '${file}' --write-out '%{http_code}'`], { env, timeout: 30_000 });
  return { status: Number(stdout), body: readFileSync(file) };
}

const hosts = (command: string) => [...new Set(command.match(/https?:\/\/[^/'"\s]+/g))];
const receivedAt = (target: string) => upstream().received.filter((r) => r.url === target);

describe('copy as cURL, run by curl', () => {
  it('a JSON POST with a query and repeated headers: same status and body, the same request upstream', async () => {
    const url = `${upstream().httpUrl}/echo?q=a%20b&q=c`;
    const detail = await captured(url, { method: 'POST', headers: ['Host', new URL(url).host, 'Content-Type', 'application/json', 'X-Tag', 'one', 'X-Tag', 'two'], body: '{"it\'s":[1,2]}' });
    const command = await snippetFor(detail, 'curl');
    expect(hosts(command)).toEqual([new URL(url).origin]);
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const before = receivedAt('/echo?q=a+b&q=c').length;
    const res = await curl(command, 'json');
    expect(res.status).toBe(detail.response!.status);
    expect(res.body.toString('base64')).toBe(detail.response!.body.base64);
    expect(res.body.toString()).toBe('{"it\'s":[1,2]}');
    const got = receivedAt('/echo?q=a+b&q=c');
    expect(got.length).toBe(before + 1);
    const raw = got[got.length - 1]!.rawHeaders;
    expect(raw[raw.findIndex((h) => h.toLowerCase() === 'x-tag') + 1]).toBe('one, two');
  });

  it('a binary body goes byte for byte', async () => {
    const url = `${upstream().httpUrl}/echo?binary=1`;
    const detail = await captured(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: BINARY });
    const res = await curl(await snippetFor(detail, 'curl'), 'binary');
    expect(res.status).toBe(200);
    expect(res.body.equals(BINARY)).toBe(true);
    expect(res.body.toString('base64')).toBe(detail.response!.body.base64);
  });

  it('a GET and an error status come back the same', async () => {
    for (const path of ['/json?x=1', '/status?code=418', '/nowhere']) {
      const detail = await captured(`${upstream().httpUrl}${path}`, { headers: { accept: 'application/json' } });
      const res = await curl(await snippetFor(detail, 'curl'), path.replace(/\W/g, '_'));
      expect(res.status, path).toBe(detail.response!.status);
      expect(res.body.toString('base64'), path).toBe(detail.response!.body.base64);
    }
  });
});
