// An inspector must not reshape what it carries: raw bytes in at one end, the
// header block read back raw at the other (status or request line, names with
// their case, order and repeats), over HTTP and intercepted HTTPS, both ways.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCa, type CertificateAuthority } from '../../electron/core/proxy/ca.js';
import { createLeafCertificateCache } from '../../electron/core/proxy/leafCertificates.js';
import { startProxy, type RunningProxy } from '../../electron/core/proxy/proxy.js';
import { rawHead, rawViaProxy, startRawUpstream, type HeaderList, type RawMessage, type RawUpstream } from '../support/rawHttp.js';
import { noHooks } from '../support/exchanges.js';

/** RFC 9110 7.6.1 and RFC 2616 13.5.1: meant for one connection, not to be passed on. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate'];
/** What the proxy's own framing of its hop may add: nothing else is allowed in. */
const FRAMING = ['connection', 'keep-alive', 'transfer-encoding'];

function endToEnd(headers: HeaderList): HeaderList {
  const named = headers
    .filter(([n]) => n.toLowerCase() === 'connection')
    .flatMap(([, v]) => v.split(',').map((t) => t.trim().toLowerCase()));
  return headers.filter(([n]) => !HOP_BY_HOP.includes(n.toLowerCase()) && !named.includes(n.toLowerCase()));
}
const withoutFraming = (headers: HeaderList) => headers.filter(([n]) => !FRAMING.includes(n.toLowerCase()));

const RESPONSE_HEADERS: HeaderList = [
  ['Server', 'RawUpstream/1.0'],
  ['X-A', '1'],
  ['Content-Type', 'text/plain; charset=utf-8'],
  ['x-a', '2'],
  ['Set-Cookie', 'a=1'],
  ['Connection', 'keep-alive, X-Hop'],
  ['X-Hop', 'for this connection only'],
  ['set-cookie', 'b=2'],
  ['Keep-Alive', 'timeout=30'],
  ['X-MiXeD-CaSe', 'yes'],
  ['Public-Key-Pins', 'max-age=0; pin-sha256="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="'],
];
const RESPONSE_BODY = 'hello world';

/** The upstream's answers: a fixed-length and a chunked response with the same headers. */
function reply(req: RawMessage): string {
  const [method, path] = req.startLine.split(' ') as [string, string];
  const body = method === 'HEAD' ? '' : undefined;
  if (path.startsWith('/chunked')) {
    return rawHead('HTTP/1.1 200 Fine Thanks', [...RESPONSE_HEADERS, ['Transfer-Encoding', 'chunked']]) + (body ?? '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
  }
  return rawHead('HTTP/1.1 200 Fine Thanks', [...RESPONSE_HEADERS, ['Content-Length', String(RESPONSE_BODY.length)]]) + (body ?? RESPONSE_BODY);
}

let appCa: CertificateAuthority;
let upstreamCa: CertificateAuthority;
let plain: RawUpstream;
let secure: RawUpstream;
let proxy: RunningProxy;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'header-fidelity-'));
  [appCa, upstreamCa] = await Promise.all([loadOrCreateCa(join(dir, 'app')), loadOrCreateCa(join(dir, 'upstream'))]);
  const leaf = await createLeafCertificateCache(upstreamCa);
  plain = await startRawUpstream(reply);
  secure = await startRawUpstream(reply, { key: leaf.keyPem, cert: leaf.certificateFor('localhost') });
  proxy = await startProxy({
    host: '127.0.0.1',
    port: 0,
    ca: appCa,
    clientHeadersTimeout: 10_000,
    insecureUpstreamHosts: [],
    upstreamCa: [upstreamCa.certPem],
    maxBodyBytes: 1024,
    upstreamTimeout: 10_000,
    hooks: noHooks,
  });
});

afterAll(async () => {
  await proxy?.close();
  await plain?.close();
  await secure?.close();
});

interface Transport {
  name: string;
  upstream: () => RawUpstream;
  /** The request target the client writes, and the Host it names. */
  target: (path: string) => { requestTarget: string; host: string };
  send: (request: string, head?: boolean) => Promise<RawMessage>;
}

const transports: Transport[] = [
  {
    name: 'http',
    upstream: () => plain,
    target: (path) => ({ requestTarget: `http://127.0.0.1:${plain.port}${path}`, host: `127.0.0.1:${plain.port}` }),
    send: (request, head) => rawViaProxy(proxy.port, request, { head }),
  },
  {
    name: 'https (intercepted)',
    upstream: () => secure,
    target: (path) => ({ requestTarget: path, host: `localhost:${secure.port}` }),
    send: (request, head) => rawViaProxy(proxy.port, request, { head, tls: { host: 'localhost', port: secure.port, ca: appCa.certPem } }),
  },
];

/** The one request the upstream received for `path`. */
function receivedFor(upstream: RawUpstream, path: string): RawMessage {
  const hits = upstream.received.filter((r) => r.startLine.split(' ')[1] === path);
  expect(hits).toHaveLength(1);
  return hits[0]!;
}

describe.each(transports)('headers pass as they came: $name', (t) => {
  it.each(['/fixed', '/chunked'])('the client gets the upstream response head of %s as sent, minus hop-by-hop', async (path) => {
    const { requestTarget, host } = t.target(`${path}?r=${Math.random()}`);
    const res = await t.send(rawHead(`GET ${requestTarget} HTTP/1.1`, [['Host', host]]));
    expect(res.startLine).toBe('HTTP/1.1 200 Fine Thanks');
    const sent = path === '/chunked' ? [...RESPONSE_HEADERS, ['Transfer-Encoding', 'chunked'] as [string, string]] : [...RESPONSE_HEADERS, ['Content-Length', '11'] as [string, string]];
    expect(withoutFraming(res.headers)).toEqual(endToEnd(sent));
    expect(res.body.toString()).toBe(RESPONSE_BODY);
  });

  it('answers HEAD with the upstream head as sent, Content-Length included, and no body', async () => {
    const { requestTarget, host } = t.target(`/fixed?r=${Math.random()}`);
    const res = await t.send(rawHead(`HEAD ${requestTarget} HTTP/1.1`, [['Host', host]]), true);
    expect(res.startLine).toBe('HTTP/1.1 200 Fine Thanks');
    expect(withoutFraming(res.headers)).toEqual(endToEnd([...RESPONSE_HEADERS, ['Content-Length', '11']]));
  });

  it('gives an HTTP/1.0 client a chunked upstream body unchunked, ended by closing', async () => {
    const { requestTarget, host } = t.target(`/chunked?r=${Math.random()}`);
    const res = await t.send(rawHead(`GET ${requestTarget} HTTP/1.0`, [['Host', host]]));
    expect(res.headers.map(([n]) => n.toLowerCase())).not.toContain('transfer-encoding');
    expect(withoutFraming(res.headers)).toEqual(endToEnd([...RESPONSE_HEADERS, ['Transfer-Encoding', 'chunked']]));
    expect(res.body.toString()).toBe(RESPONSE_BODY);
  });

  const requestHeaders = (host: string): HeaderList => [
    ['Host', host],
    ['User-Agent', 'RawClient/1.0'],
    ['X-B', '1'],
    ['Accept', '*/*'],
    ['x-b', '2'],
    ['Proxy-Connection', 'keep-alive'],
    ['Proxy-Authorization', 'Basic cHJveHk6c2VjcmV0'],
    ['Connection', 'X-Hop'],
    ['X-Hop', 'for this connection only'],
    ['TE', 'trailers'],
    ['Content-Type', 'text/plain'],
    ['X-MiXeD-CaSe', 'yes'],
    ['cookie', 'a=1'],
    ['Cookie', 'b=2'],
  ];

  it.each([
    { method: 'POST', framing: 'content-length', extra: [['Content-Length', '9']] as HeaderList, body: 'ping pong' },
    { method: 'POST', framing: 'chunked', extra: [['Transfer-Encoding', 'chunked']] as HeaderList, body: '4\r\nping\r\n5\r\n pong\r\n0\r\n\r\n' },
    // Node frames no body of these methods by itself: the request's own Transfer-Encoding must get through.
    { method: 'DELETE', framing: 'chunked', extra: [['Transfer-Encoding', 'chunked']] as HeaderList, body: '4\r\nping\r\n5\r\n pong\r\n0\r\n\r\n' },
  ])('the upstream gets the client $method head as sent, minus hop-by-hop, and its $framing body', async ({ method, extra, body }) => {
    const path = `/request?r=${Math.random()}`;
    const { requestTarget, host } = t.target(path);
    const sent = [...requestHeaders(host), ...extra];
    const res = await t.send(rawHead(`${method} ${requestTarget} HTTP/1.1`, sent) + body);
    expect(res.startLine).toBe('HTTP/1.1 200 Fine Thanks');
    const got = receivedFor(t.upstream(), path);
    expect(got.startLine).toBe(`${method} ${path} HTTP/1.1`);
    expect(withoutFraming(got.headers)).toEqual(endToEnd(sent));
    expect(got.body.toString()).toBe('ping pong');
  });
});

it('names the upstream in Host for an HTTP/1.0 request that came without one', async () => {
  const path = `/no-host?r=${Math.random()}`;
  await rawViaProxy(proxy.port, rawHead(`GET http://127.0.0.1:${plain.port}${path} HTTP/1.0`, [['User-Agent', 'Old/1.0']]));
  expect(withoutFraming(receivedFor(plain, path).headers)).toEqual([['User-Agent', 'Old/1.0'], ['Host', `127.0.0.1:${plain.port}`]]);
});
