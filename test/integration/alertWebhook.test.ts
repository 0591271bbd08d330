// Alert webhooks through the real app: one JSON POST per alert to a local
// receiver, kept while the receiver is down, across a restart of the app, and
// delivered once it is up again; its URL redacted as forwarding redacts it;
// a webhook to the proxy's own address refused.
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../electron/core/app.js';
import { validateRules } from '../../electron/core/rules/validateRules.js';
import { listenOutsideEphemeralRange } from '../support/collector.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

let upstream: Upstream;
const apps: App[] = [];
afterAll(async () => {
  for (const a of apps) await a.stop();
  await upstream?.close();
});

/** A webhook receiver on a port that stays ours while it is down (below the ephemeral range). */
function receiver() {
  const got: Array<{ path: string; type: string | undefined; body: Record<string, any> }> = [];
  let server: http.Server | null = null;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          got.push({ path: req.url ?? '', type: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString()) });
          res.writeHead(204).end();
        });
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve((s.address() as import('node:net').AddressInfo).port);
      });
    });
  return {
    got,
    start: (port?: number) => (port === undefined ? listenOutsideEphemeralRange(listen) : listen(port)),
    stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

const rulesFor = (hook: string) => {
  const r = validateRules([
    { name: 'hide tokens', match: 'query*=token=', action: { type: 'redact', query: ['token'] } },
    { name: 'server errors', match: 'status>=500', action: { type: 'alert', notify: false, webhook: hook } },
  ]);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return { rules: r.rules, file: 'test' };
};

describe('alert webhooks', () => {
  it('are kept while the receiver is down, across a restart, and POSTed once it is up; the URL redacted', async () => {
    upstream = await startUpstream();
    const hook = receiver();
    const port = await hook.start();
    await hook.stop();
    const dataDir = mkdtempSync(join(tmpdir(), 'proxyscope-webhook-'));
    const logs: string[] = [];
    let app = await startApp({ dataDir, port: 0, host: '127.0.0.1', rules: rulesFor(`http://127.0.0.1:${port}/hook`), log: (l) => logs.push(l) });
    apps.push(app);
    await viaProxy(app.proxyUrl, `${upstream.httpUrl}/status?code=503&token=s3cret-77`);
    await until('the webhook waiting, and why', async () => ((await app.service.handlers.getStatus(undefined)).webhookNote?.includes('cannot reach it') ? true : undefined), 15_000);
    expect(logs.join('\n')).toMatch(/alert webhook http:\/\/127\.0\.0\.1:\d+\/hook will be retried: cannot reach it/);

    await app.stop();
    apps.pop();
    await hook.start(port);
    app = await startApp({ dataDir, port: 0, host: '127.0.0.1', rules: rulesFor(`http://127.0.0.1:${port}/hook`) });
    apps.push(app);
    const [sent] = await until('the webhook delivered after the restart', () => (hook.got.length > 0 ? hook.got : undefined), 15_000);
    expect(sent).toMatchObject({ path: '/hook', type: 'application/json', body: { event: 'alert', rule: 'server errors', exchange: { status: 503, method: 'GET' } } });
    expect(JSON.stringify(sent!.body)).not.toContain('s3cret-77');
    expect(sent!.body.exchange.url).toMatch(/token=/);
    await until('nothing waiting', async () => ((await app.service.handlers.getStatus(undefined)).webhookNote === null ? true : undefined));
    expect(hook.got).toHaveLength(1);
    await hook.stop();
  });

  it("refuses a webhook to the proxy's own address", async () => {
    const logs: string[] = [];
    // The proxy's port is known once it listens: the rule is given then.
    const app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'proxyscope-webhook-loop-')), port: 0, host: '127.0.0.1', log: (l) => logs.push(l) });
    apps.push(app);
    const loop = rulesFor(`${app.proxyUrl}/loop`).rules.map(({ name, match, action, enabled }) => ({ name, match, action, enabled }));
    expect(await app.service.handlers.saveRules({ rules: loop })).toMatchObject({ ok: true });
    await viaProxy(app.proxyUrl, `${upstream.httpUrl}/status?code=500`);
    await until('the refusal logged', () => (logs.some((l) => /webhook .*\/loop refused: it is the proxy's own address/.test(l)) ? true : undefined));
    expect((await app.service.handlers.getStatus(undefined)).webhookNote ?? null).toBeNull();
  });
});
