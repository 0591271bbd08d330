// Rules over the real proxy, store and delivery, against the strict collector:
// mock, no-record, delay, no-forward, redact (forward and everywhere), the
// default credential redaction, bucket, alerts, rule order, and saving rules.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSummary, RuleAlert, RuleInput } from '../../electron/core/api.js';
import { startApp, type App } from '../../electron/core/app.js';
import { validateRules } from '../../electron/core/rules/validateRules.js';
import { startCollector, type Collector } from '../support/collector.js';
import { viaProxy } from '../support/proxyClient.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const TOKEN = 'rules-token-1234';
const SECRET = 'Bearer rules-secret-5678';
const dir = mkdtempSync(join(tmpdir(), 'proxyscope-rules-'));
const mockFile = join(dir, 'mock.json');
writeFileSync(mockFile, '{"from":"file"}');

const RULES: RuleInput[] = [
  // The HTTPS upstream is https://localhost:PORT: "don't touch my bank".
  { name: 'bank', match: 'host=localhost port>1024', action: { type: 'passthrough' } },
  { name: 'fake api', match: 'host=api.invalid path^=/users', action: { type: 'mock', status: 201, headers: { 'content-type': 'application/json', 'x-mocked': 'yes' }, body: '{"users":[]}' } },
  { name: 'file mock', match: 'host=files.invalid', action: { type: 'mock', file: mockFile } },
  { name: 'missing file', match: 'host=gone.invalid', action: { type: 'mock', file: join(dir, 'nope.json') } },
  { name: 'quiet health', match: 'path=/status query*=code=299', action: { type: 'no-record' } },
  { name: 'slow', match: 'query*=slow=1', action: { type: 'delay', ms: 300 } },
  { name: 'narrow', match: 'query*=narrow=1', action: { type: 'delay', kbps: 800 } },
  { name: 'private', match: 'query*=private=1', action: { type: 'no-forward' } },
  { name: 'staging bucket', match: 'query*=staging=1', action: { type: 'bucket', bucket: 'staging' } },
  { name: 'forward redaction', match: 'query*=token=', action: { type: 'redact', query: ['token'], json: ['password'] } },
  { name: 'everywhere', match: 'query*=pii=1', action: { type: 'redact', headers: ['x-ssn'], json: ['$.user.ssn'], where: 'everywhere' } },
  { name: '5xx', match: 'status>=500', action: { type: 'alert', perSecond: 1 } },
  // After the mocks: a mocked exchange is not matched by it.
  { name: 'only unmocked', match: 'query*=late=1', action: { type: 'no-forward' } },
];

let upstream: Upstream;
let collector: Collector;
let app: App;
const recorded: ExchangeSummary[] = [];
const alerts: RuleAlert[] = [];

const recordedFor = (url: string) => until(`${url} recorded`, () => recorded.find((s) => s.url === url));
const messageFor = (id: string) => until(`message for ${id}`, () => collector.received.find((m) => m.unique_identifier === id));
/** A later exchange forwarded means an earlier one would have been too (messages are sent in order). */
async function forwardedAfter(): Promise<void> {
  const url = `${upstream.httpUrl}/json?marker=${Math.random()}`;
  await viaProxy(app.proxyUrl, url);
  await messageFor((await recordedFor(url)).id);
}

beforeAll(async () => {
  upstream = await startUpstream();
  collector = await startCollector({ token: TOKEN, bucket: 'rules', buckets: ['staging'] });
  const checked = validateRules(RULES);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  app = await startApp({
    dataDir: dir,
    port: 0,
    host: '127.0.0.1',
    upstreamCa: [upstream.caPem],
    overrides: { bucket: 'rules', access_token: TOKEN, api_endpoint: collector.url, log_body: true },
    rules: { rules: checked.rules, file: join(dir, 'rules-for-run.json') },
  });
  app.onExchange((s) => recorded.push(s));
  app.onAlert((a) => alerts.push(a));
});

afterAll(async () => {
  await app?.stop();
  await collector?.close();
  await upstream?.close();
});

describe('rules', () => {
  it.each(['http', 'https'])('mock answers over %s without the upstream (the host does not exist), and is recorded and forwarded', async (scheme) => {
    const url = `${scheme}://api.invalid/users?scheme=${scheme}`;
    const ca = (await app.service.handlers.exportCa(undefined)).pem;
    const res = await viaProxy(app.proxyUrl, url, { ca });
    expect(res.status).toBe(201);
    expect(res.headers['x-mocked']).toBe('yes');
    expect(res.body.toString()).toBe('{"users":[]}');
    const s = await recordedFor(url);
    const detail = await app.service.handlers.getExchange({ id: s.id });
    expect(detail?.meta).toMatchObject({ 'rule.mock': 'fake api', rules: 'fake api' });
    expect((await messageFor(s.id)).response).toMatchObject({ status: 201, body: '{"users":[]}' });
  });

  it("passthrough: the upstream's own certificate reaches the client, and one tunnel exchange is recorded", async () => {
    // The client trusts the upstream's CA only: an intercepted connection (our CA) would fail.
    const res = await viaProxy(app.proxyUrl, `${upstream.httpsUrl}/json?bank=1`, { ca: upstream.caPem });
    expect(res.status).toBe(200);
    const host = new URL(upstream.httpsUrl).host;
    const s = await until('tunnel recorded', () => recorded.find((x) => x.kind === 'tunnel' && x.url.includes(host)));
    expect(s.tunnel).toMatchObject({ rule: 'bank', port: Number(new URL(upstream.httpsUrl).port) });
    expect(s.tunnel!.bytesUp).toBeGreaterThan(0);
    expect(s.tunnel!.bytesDown).toBeGreaterThan(0);
    expect((await app.service.handlers.getExchange({ id: s.id }))?.meta.rules).toBe('bank');
  });

  it('mock from a file; a missing file answers 502 naming the rule, and the exchange records why', async () => {
    expect((await viaProxy(app.proxyUrl, 'http://files.invalid/x')).body.toString()).toBe('{"from":"file"}');
    const res = await viaProxy(app.proxyUrl, 'http://gone.invalid/x');
    expect(res.status).toBe(502);
    expect(res.body.toString()).toContain('rule "missing file": mock file');
    const s = await recordedFor('http://gone.invalid/x');
    expect(s.error).toMatch(/^rule "missing file": mock file .*nope\.json cannot be read \(ENOENT\)$/);
    // The proxy keeps serving.
    expect((await viaProxy(app.proxyUrl, `${upstream.httpUrl}/json?after=missing`)).status).toBe(200);
  });

  it('no-record: the client is answered; nothing is shown, stored or forwarded', async () => {
    const url = `${upstream.httpUrl}/status?code=299`;
    expect((await viaProxy(app.proxyUrl, url)).status).toBe(299);
    await forwardedAfter();
    expect(recorded.map((s) => s.url)).not.toContain(url);
    expect(await app.service.handlers.queryExchanges({ filter: 'query*=code=299' })).toEqual({ ok: true, rows: [] });
    expect(collector.received.map((m) => m.request.url)).not.toContain(url);
  });

  it('delay holds the request before it goes upstream', async () => {
    const url = `${upstream.httpUrl}/json?slow=1`;
    await viaProxy(app.proxyUrl, url);
    const s = await recordedFor(url);
    expect(s.durationMs).toBeGreaterThanOrEqual(300);
  });

  it('delay kbps throttles the response body: read from the upstream no faster than that, every byte delivered', async () => {
    // 300,000 bytes at 800 kbit/s (100,000 B/s) is 3 s. Reading waits until the bytes read so far are due,
    // and a socket read is at most 64 KiB, so the last read starts after (300,000 - 65,536) / 100,000 s at
    // the earliest. Unthrottled it takes milliseconds.
    const url = `${upstream.httpUrl}/big?n=300000&narrow=1`;
    const res = await viaProxy(app.proxyUrl, url);
    expect(res.body.length).toBe(300_000);
    const s = await recordedFor(url);
    expect(s.durationMs).toBeGreaterThanOrEqual(2300);
    expect(s.responseBytes).toBe(300_000);
  });

  it('no-forward: stored and shown, never sent', async () => {
    const url = `${upstream.httpUrl}/json?private=1`;
    await viaProxy(app.proxyUrl, url);
    const s = await recordedFor(url);
    await forwardedAfter();
    expect(collector.received.find((m) => m.unique_identifier === s.id)).toBeUndefined();
    expect((await app.service.handlers.getExchange({ id: s.id }))?.meta['forward.skip']).toBe(true);
  });

  it('bucket: a matching exchange goes to that bucket, others to the default one', async () => {
    const staged = `${upstream.httpUrl}/json?staging=1`;
    const plain = `${upstream.httpUrl}/json?staging=0`;
    await viaProxy(app.proxyUrl, staged);
    await viaProxy(app.proxyUrl, plain);
    const [a, b] = [await recordedFor(staged), await recordedFor(plain)];
    await messageFor(a.id);
    await messageFor(b.id);
    const bucketOf = (id: string) => collector.arrivals.find((x) => x.message.unique_identifier === id)?.bucket;
    expect([bucketOf(a.id), bucketOf(b.id)]).toEqual(['staging', 'rules']);
  });

  it('a mock ends the matching: rules after it do not apply to the mocked exchange', async () => {
    const mocked = 'http://api.invalid/users?late=1';
    await viaProxy(app.proxyUrl, mocked);
    await messageFor((await recordedFor(mocked)).id);
    const real = `${upstream.httpUrl}/json?late=1`;
    await viaProxy(app.proxyUrl, real);
    const s = await recordedFor(real);
    await forwardedAfter();
    expect(collector.received.find((m) => m.unique_identifier === s.id)).toBeUndefined();
  });

  it('credentials are redacted in what is forwarded, by default; the stored copy keeps them; no outbox file holds them', async () => {
    const url = `${upstream.httpUrl}/echo?creds=1`;
    await viaProxy(app.proxyUrl, url, { method: 'POST', body: 'hello', headers: { authorization: SECRET, cookie: 'sid=rules-cookie-9', 'content-type': 'text/plain' } });
    const s = await recordedFor(url);
    const m = await messageFor(s.id);
    expect(m.request.headers.authorization).toEqual('[redacted]');
    expect(m.request.headers.cookie).toEqual('[redacted]');
    const detail = await app.service.handlers.getExchange({ id: s.id });
    expect(detail?.request.headers).toContainEqual(['authorization', SECRET]);
    const outboxFiles = readdirSync(dir).filter((f) => f.startsWith('outbox.db') && statSync(join(dir, f)).isFile());
    expect(outboxFiles.length).toBeGreaterThan(0);
    for (const f of outboxFiles) {
      const bytes = readFileSync(join(dir, f));
      expect(bytes.includes('rules-secret-5678'), f).toBe(false);
      expect(bytes.includes('rules-cookie-9'), f).toBe(false);
    }
  });

  it('redact for forwarding: query parameters and JSON fields leave as [redacted]; the stored copy is whole', async () => {
    const url = `${upstream.httpUrl}/echo?token=tok-123&keep=1`;
    await viaProxy(app.proxyUrl, url, { method: 'POST', body: JSON.stringify({ user: 'ada', password: 'pw-123' }), headers: { 'content-type': 'application/json' } });
    const s = await recordedFor(url);
    const m = await messageFor(s.id);
    expect(m.request.url).toBe(`${upstream.httpUrl}/echo?token=%5Bredacted%5D&keep=1`);
    expect(JSON.parse(m.request.body!)).toEqual({ user: 'ada', password: '[redacted]' });
    expect(JSON.parse(m.response!.body!)).toEqual({ user: 'ada', password: '[redacted]' });
    const detail = await app.service.handlers.getExchange({ id: s.id });
    expect(detail?.url).toBe(url);
  });

  it('redact everywhere: the stored copy, the UI and the message are redacted, and no session file holds the value', async () => {
    const url = `${upstream.httpUrl}/echo?pii=1`;
    await viaProxy(app.proxyUrl, url, { method: 'POST', body: JSON.stringify({ user: { ssn: 'ssn-4242', name: 'ada' } }), headers: { 'content-type': 'application/json', 'x-ssn': 'ssn-4242' } });
    const s = await recordedFor(url);
    const m = await messageFor(s.id);
    expect(m.request.headers['x-ssn']).toEqual('[redacted]');
    expect(JSON.parse(m.request.body!)).toEqual({ user: { ssn: '[redacted]', name: 'ada' } });
    const detail = await app.service.handlers.getExchange({ id: s.id });
    expect(detail?.request.headers).toContainEqual(['x-ssn', '[redacted]']);
    await app.service.handlers.countExchanges({}); // the store commits what was reported
    for (const f of readdirSync(dir).filter((f) => f.startsWith('sessions.db') && statSync(join(dir, f)).isFile())) expect(readFileSync(join(dir, f)).includes('ssn-4242'), f).toBe(false);
  });

  it('alert on the finished exchange, at most once a second per rule; the next alert counts the ones held back', async () => {
    const first = `${upstream.httpUrl}/status?code=503&n=0`;
    await viaProxy(app.proxyUrl, first);
    const a = await until('first alert', () => alerts.find((x) => x.url === first));
    expect(a).toMatchObject({ rule: '5xx', status: 503, suppressed: 0 });
    for (let i = 1; i <= 2; i++) await viaProxy(app.proxyUrl, `${upstream.httpUrl}/status?code=500&n=${i}`);
    // Bounded: a 5xx every 100 ms until an alert reports the ones suppressed (at most ~2 s of them).
    let later: RuleAlert | undefined;
    for (let i = 3; i < 40 && !later; i++) {
      await viaProxy(app.proxyUrl, `${upstream.httpUrl}/status?code=500&n=${i}`);
      later = alerts.find((x) => x.suppressed > 0);
      if (!later) await new Promise((r) => setTimeout(r, 100));
    }
    expect(later?.suppressed).toBeGreaterThanOrEqual(2);
  });

  it('saveRules refuses a bad list as a whole, naming the rule and field, and keeps the active rules', async () => {
    const before = await app.service.handlers.getRules(undefined);
    expect(before).toMatchObject({ source: 'file' });
    const refused = await app.service.handlers.saveRules({ rules: [{ name: 'ok', match: '', action: { type: 'no-forward' } }, { name: 'bad', match: 'status>>1', action: { type: 'no-forward' } }] });
    expect(refused).toMatchObject({ ok: false, problems: [{ rule: 2, name: 'bad', field: 'match' }] });
    expect(await app.service.handlers.getRules(undefined)).toEqual(before);
    expect((await viaProxy(app.proxyUrl, 'http://api.invalid/users?still=mocked')).status).toBe(201);
  });

  it('saveRules saves (0600) and applies at once', async () => {
    const saved = await app.service.handlers.saveRules({ rules: [{ name: 'teapot', match: 'host=tea.invalid', action: { type: 'mock', status: 418 } }] });
    expect(saved).toMatchObject({ ok: true, view: { source: 'saved', rules: [{ name: 'teapot', enabled: true }] } });
    expect((await viaProxy(app.proxyUrl, 'http://tea.invalid/')).status).toBe(418);
    expect(statSync(join(dir, 'rules.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'rules.json'), 'utf8'))).toMatchObject({ version: 1, rules: [{ name: 'teapot' }] });
  });
});
