// The filter language against six fixed targets: each row is a filter and the
// targets it must match (by letter), so a row fails on any target it gets wrong.
import { describe, expect, it } from 'vitest';
import { compileFilter, FILTER_HELP, FIELD_NAMES, FLAG_NAMES, parseFilter, type FilterNode, type FilterTarget } from '../../../electron/core/filter/index.js';

const base: Omit<FilterTarget, 'method' | 'url' | 'host' | 'path' | 'query' | 'protocol' | 'port'> = {
  status: null,
  contentType: null,
  requestHeaders: [],
  responseHeaders: [],
  requestBody: '',
  responseBody: null,
  requestSize: 0,
  responseSize: null,
  durationMs: null,
  delivery: null,
  error: null,
  pending: false,
  origin: 'proxy',
  id: '',
  pinned: false,
  fromBrowser: false,
};

const targets: Record<string, FilterTarget> = {
  // A JSON 200 over HTTPS, forwarded.
  A: {
    ...base,
    id: 'ex-A',
    method: 'GET',
    url: 'https://api.example.com/v1/users?id=42&sort=desc',
    host: 'api.example.com',
    path: '/v1/users',
    query: 'id=42&sort=desc',
    protocol: 'https',
    port: 443,
    status: 200,
    contentType: 'application/json; charset=utf-8',
    requestHeaders: [['Host', 'api.example.com'], ['Accept', 'application/json'], ['User-Agent', 'curl/8.0'], ['X-Request-Id', 'abc-123']],
    responseHeaders: [['Content-Type', 'application/json; charset=utf-8'], ['Cache-Control', 'no-cache'], ['Set-Cookie', 'sid=1']],
    responseBody: '{"users":[{"name":"Ada Lovelace"}]}',
    responseSize: 2048,
    durationMs: 150,
    delivery: 'sent',
  },
  // A form POST over plain HTTP, answered 404 in HTML, sent again by Resend.
  B: {
    ...base,
    id: 'ex-B',
    pinned: true,
    method: 'POST',
    url: 'http://localhost:8080/login',
    host: 'localhost',
    path: '/login',
    query: '',
    protocol: 'http',
    port: 8080,
    status: 404,
    contentType: 'text/html',
    requestHeaders: [['Host', 'localhost:8080'], ['Content-Type', 'application/x-www-form-urlencoded'], ['Authorization', 'Bearer t0ken']],
    responseHeaders: [['Content-Type', 'text/html'], ['Server', 'nginx']],
    requestBody: 'user=ada&password=secret',
    responseBody: '<html><title>Not Found</title></html>',
    requestSize: 24,
    responseSize: 512,
    durationMs: 2500,
    delivery: 'failed',
    origin: 'replay',
  },
  // Pending: no response yet.
  C: {
    ...base,
    id: 'ex-C',
    fromBrowser: true,
    method: 'GET',
    url: 'https://cdn.example.org/img/logo.png',
    host: 'cdn.example.org',
    path: '/img/logo.png',
    query: '',
    protocol: 'https',
    port: 443,
    requestHeaders: [['Host', 'cdn.example.org'], ['Accept', 'image/*']],
    pending: true,
  },
  // Failed before a response, on a port; its delivery is being retried.
  D: {
    ...base,
    id: 'Ex-D',
    method: 'PUT',
    url: 'https://api.example.com:8443/v1/items/7?dry=1',
    host: 'api.example.com',
    path: '/v1/items/7',
    query: 'dry=1',
    protocol: 'https',
    port: 8443,
    requestHeaders: [['Host', 'api.example.com:8443'], ['Content-Type', 'application/json']],
    requestBody: '{"name":"widget"}',
    requestSize: 17,
    durationMs: 30_000,
    delivery: 'retrying',
    error: 'ECONNRESET: socket hang up',
  },
  // A large image, answered 500, queued for delivery, from an imported HAR.
  E: {
    ...base,
    id: 'ex-E',
    pinned: true,
    method: 'GET',
    url: 'https://img.example.net/photo.png',
    host: 'img.example.net',
    path: '/photo.png',
    query: '',
    protocol: 'https',
    port: 443,
    status: 500,
    contentType: 'image/png',
    responseHeaders: [['Content-Type', 'image/png']],
    requestBody: 'upload',
    requestSize: 1024,
    responseBody: '\uFFFDPNG',
    responseSize: 5 * 1024 * 1024,
    durationMs: 800,
    delivery: 'queued',
    origin: 'import',
  },
  // A script, 304 with an empty body, not forwarded, received by the collector.
  F: {
    ...base,
    id: 'ex-F',
    method: 'GET',
    url: 'https://static.example.net/app.js?v=2',
    host: 'static.example.net',
    path: '/app.js',
    query: 'v=2',
    protocol: 'https',
    port: 443,
    status: 304,
    contentType: 'text/javascript',
    responseHeaders: [['Content-Type', 'text/javascript']],
    responseBody: '',
    responseSize: 0,
    durationMs: 5,
    origin: 'collected',
  },
};

const all = 'ABCDEF';

// [filter, the targets it matches]
const table: Array<[string, string]> = [
  // empty
  ['', all],
  ['   ', all],
  // id: = compares as written; the other operators without case
  ['id=ex-A', 'A'],
  ['id=Ex-D', 'D'],
  ['id=ex-d', ''],
  ['id=ex-A or id=ex-F', 'AF'],
  ['id^=ex-', all],
  ['-id=ex-A', 'BCDEF'],
  // pins and websockets
  ['is:pinned', 'BE'],
  ['-is:pinned', 'ACDF'],
  ['is:ws', ''],
  ['is:browser', 'C'],
  // method
  ['method=get', 'ACEF'],
  ['method=POST', 'B'],
  ['METHOD=Get', 'ACEF'],
  ['method!=get', 'BD'],
  ['method^=p', 'BD'],
  ['method$=st', 'B'],
  ['method*=u', 'D'],
  ['method~=^(put|post)$', 'BD'],
  ['method = post', 'B'],
  // url
  ['url=https://api.example.com/v1/users?id=42&sort=desc', 'A'],
  ['url=https://api.example.com/v1/users', ''],
  ['url^=http://', 'B'],
  ['url*=EXAMPLE', 'ACDEF'],
  ['url$=.png', 'CE'],
  ['url~=:\\d+/', 'BD'],
  ['url~=LOGIN', 'B'],
  ['url~=(users|items)', 'AD'],
  ['url*="users?id"', 'A'],
  // host
  ['host=api.example.com', 'AD'],
  ['Host=API.EXAMPLE.COM', 'AD'],
  ['host=localhost', 'B'],
  ['host$=.net', 'EF'],
  ['host*=cdn', 'C'],
  ['host^=api', 'AD'],
  // path
  ['path=/login', 'B'],
  ['path=/v1/users', 'A'],
  ['path^=/v1/', 'AD'],
  ['path$=.js', 'F'],
  ['path~=^/(v1)/', 'AD'],
  // query
  ['query=""', 'BCE'],
  ['query*=id=42', 'A'],
  ['query*=id=42&sort', 'A'],
  ['query^=dry', 'D'],
  ['query~=v=\\d', 'F'],
  // protocol
  ['protocol=http', 'B'],
  ['protocol=https', 'ACDEF'],
  ['protocol!=https', 'B'],
  // status, classes, missing values
  ['status=200', 'A'],
  ['status=4xx', 'B'],
  ['status=5XX', 'E'],
  ['status=3xx', 'F'],
  ['status=30x', 'F'],
  ['status>=400', 'BE'],
  ['status >= 400', 'BE'],
  ['status<300', 'A'],
  ['status<=304', 'AF'],
  ['status>304', 'BE'],
  ['status!=200', 'BCDEF'],
  ['status!=4xx', 'ACDEF'],
  ['status>4xx', 'E'],
  ['status>=4xx', 'BE'],
  ['status<4xx', 'AF'],
  ['status<=4xx', 'ABF'],
  ['status="404"', 'B'],
  // type
  ['type=json', 'A'],
  ['type=application/json', 'A'],
  ['type=html', 'B'],
  ['type=image', 'E'],
  ['type=js', 'F'],
  ['type!=json', 'BCDEF'],
  ['type^=text/', 'BF'],
  ['type~=^image/', 'E'],
  ['type*=charset', 'A'],
  // headers
  ['header[content-type]', 'ABDEF'],
  ['header[Content-Type]', 'ABDEF'],
  ['reqheader[content-type]', 'BD'],
  ['resheader[content-type]', 'ABEF'],
  ['reqheader[server]', ''],
  ['-header[content-type]', 'C'],
  ['header[x-request-id]=abc-123', 'A'],
  ['header[X-REQUEST-ID]=ABC-123', 'A'],
  ['reqheader[authorization]^=bearer', 'B'],
  ['reqheader[authorization]="Bearer t0ken"', 'B'],
  ['resheader[server]=nginx', 'B'],
  ['reqheader[server]=nginx', ''],
  ['header[set-cookie]*=sid', 'A'],
  ['resheader[cache-control]!=no-cache', 'BCDEF'],
  ['reqheader[accept]~=json|image', 'AC'],
  ['header[user-agent]$=8.0', 'A'],
  ['header*=nginx', 'B'],
  ['header~="^accept: image"', 'C'],
  ['resheader~="^content-type: text/"', 'BF'],
  // bodies
  ['body*=ada', 'AB'],
  ['reqbody*=password', 'B'],
  ['resbody*="not found"', 'B'],
  ["resbody*='Ada Lovelace'", 'A'],
  ['resbody*=ADA', 'A'],
  ['resbody*="\\"name\\""', 'A'],
  ['resbody^={', 'A'],
  ['resbody=""', 'F'],
  ['resbody!=""', 'ABCDE'],
  ['reqbody=""', 'ACF'],
  ['body~=widget', 'D'],
  ['body~="\\"name\\":\\s*\\"w"', 'D'],
  // sizes and units
  ['size>1k', 'AE'],
  ['size>=2kb', 'AE'],
  ['size=2048', 'A'],
  ['size=2k', 'A'],
  ['size=2KB', 'A'],
  ['size<1k', 'BF'],
  ['size>0.5k', 'AE'],
  ['size<=512b', 'BF'],
  ['size>4mb', 'E'],
  ['size>5m', ''],
  ['size>=5m', 'E'],
  ['size>1g', ''],
  ['size<1gb', 'ABEF'],
  ['size!=0', 'ABCDE'],
  ['reqsize>0', 'BDE'],
  ['reqsize=24', 'B'],
  ['reqsize>=1kb', 'E'],
  ['reqsize<20', 'ACDF'],
  // ports: from the URL, else the scheme's
  ['port=443', 'ACEF'],
  ['port!=443', 'BD'],
  ['port>=8000', 'BD'],
  ['host=api.example.com port=8443', 'D'],
  // durations and units
  ['duration>1s', 'BD'],
  ['duration>=2.5s', 'BD'],
  ['duration>2.5s', 'D'],
  ['duration<200', 'AF'],
  ['duration<200ms', 'AF'],
  ['duration<=150ms', 'AF'],
  ['duration>0.4m', 'D'],
  ['duration>=1m', ''],
  ['duration!=150', 'BCDEF'],
  // delivery
  ['delivery=sent', 'A'],
  ['delivery=SENT', 'A'],
  ['delivery=queued', 'E'],
  ['delivery=retrying', 'D'],
  ['delivery=failed', 'B'],
  ['delivery=none', 'CF'],
  ['delivery!=none', 'ABDE'],
  ['delivery!=sent', 'BCDEF'],
  // flags
  ['is:error', 'D'],
  ['IS:ERROR', 'D'],
  ['is:pending', 'C'],
  ['is:response', 'ABEF'],
  ['not is:pending', 'ABDEF'],
  ['is:replay', 'B'],
  ['is:imported', 'E'],
  ['is:collected', 'F'],
  ['-is:replay -is:imported -is:collected', 'ACD'],
  ['is:imported or is:Collected', 'EF'],
  // mitmproxy's spellings
  ['~m get', 'ACEF'],
  ['~m ^P', 'BD'],
  ['~u \\.png$', 'CE'],
  ['~u (png|js)', 'CEF'],
  ['~d ^api\\.', 'AD'],
  ['~d API', 'AD'],
  ['~c 404', 'B'],
  ['~c 200', 'A'],
  ['~h nginx', 'B'],
  ['~h "^x-request-id: abc"', 'A'],
  ['~hq bearer', 'B'],
  ['~hs bearer', ''],
  ['~hs ^server:', 'B'],
  ['~b widget', 'D'],
  ['~bq ada', 'B'],
  ['~bs ada', 'A'],
  ['~t json', 'AD'],
  ['~t html', 'B'],
  ['~tq json', 'D'],
  ['~ts json', 'A'],
  ['~e', 'D'],
  ['~s', 'ABEF'],
  ['~q', 'CD'],
  ['!~s', 'CD'],
  ['~d example\\.com & !~c 200', 'D'],
  // bare and quoted text: URL, method, status, header values; not bodies or header names
  ['example', 'ACDEF'],
  ['EXAMPLE', 'ACDEF'],
  ['get', 'ACEF'],
  ['"get"', 'ACEF'],
  ['404', 'B'],
  ['500', 'E'],
  ['nginx', 'B'],
  ['curl/8', 'A'],
  ['abc-123', 'A'],
  ['login', 'B'],
  ['"sort=desc"', 'A'],
  ["'id=42&sort'", 'A'],
  ['a&b', ''],
  ['lovelace', ''],
  ['"Not Found"', ''],
  ['content-type', ''],
  ['"bearer t0ken"', 'B'],
  // combining, precedence, parentheses
  ['method=get status=200', 'A'],
  ['method=get and status=200', 'A'],
  ['method=get AND status=200', 'A'],
  ['method=get & status=200', 'A'],
  ['method=get && status=200', 'A'],
  ['status=404 or status=500', 'BE'],
  ['status=404 | status=500', 'BE'],
  ['status=404 || is:error', 'BD'],
  ['status=404 OR is:error', 'BD'],
  ['not method=get', 'BD'],
  ['!method=get', 'BD'],
  ['-method=get', 'BD'],
  ['NOT method=get', 'BD'],
  ['not not is:error', 'D'],
  ['-is:pending -is:error', 'ABEF'],
  ['method=post or method=get status=200', 'AB'],
  ['method=get status=200 or method=post', 'AB'],
  ['status=200 or status=404 and method=post', 'AB'],
  ['(method=post or method=get) status=200', 'A'],
  ['(status=200 or status=404) and method=post', 'B'],
  ['not method=get or is:error', 'BD'],
  ['not (method=get or is:error)', 'B'],
  ['!(method=get)', 'BD'],
  ['((status=4xx))', 'B'],
  ['(host*=example (status=200 or status=500)) or path=/login', 'ABE'],
  ['host*=example -host*=cdn', 'ADEF'],
  ['is:error or is:pending', 'CD'],
  ['(status=200)(method=get)', 'A'],
];

function matched(filter: string): string {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(`${filter}: ${parsed.error.column}: ${parsed.error.message}`);
  const match = compileFilter(parsed.filter);
  return Object.keys(targets)
    .filter((k) => match(targets[k]!))
    .join('');
}

describe('filter language', () => {
  it('has a table of at least 100 filters', () => expect(table.length).toBeGreaterThanOrEqual(100));

  it.each(table)('%j matches %j', (filter, expected) => {
    expect(matched(filter)).toBe(expected);
  });

  it('keeps the syntax tree plain data, with != desugared and ranges and units applied', () => {
    const tree = (text: string): FilterNode => {
      const p = parseFilter(text);
      if (!p.ok) throw new Error(p.error.message);
      return p.filter;
    };
    expect(tree('')).toEqual({ type: 'all' });
    expect(tree('status!=4xx')).toEqual({ type: 'not', item: { type: 'number', field: 'status', op: '=', min: 400, max: 499 } });
    expect(tree('size>1.5k')).toEqual({ type: 'number', field: 'size', op: '>', min: 1536, max: 1536 });
    expect(tree('duration>=2m')).toEqual({ type: 'number', field: 'duration', op: '>=', min: 120_000, max: 120_000 });
    expect(tree('Header[X-Id]')).toEqual({ type: 'header', side: 'either', name: 'x-id', op: 'present', value: '' });
    expect(tree('~c 404')).toEqual(tree('status=404'));
    expect(tree('~e')).toEqual(tree('is:error'));
    expect(tree('a b or c')).toEqual({
      type: 'or',
      items: [{ type: 'and', items: [{ type: 'search', value: 'a' }, { type: 'search', value: 'b' }] }, { type: 'search', value: 'c' }],
    });
    const complex = tree('(type=js or resheader[server]~=ngi) -delivery=none is:error "x y"');
    expect(JSON.parse(JSON.stringify(complex))).toEqual(complex);
  });

  it('describes itself for help: every field and flag, examples that parse', () => {
    expect(FILTER_HELP.fields.map((f) => f.syntax.replace('[NAME]', ''))).toEqual(FIELD_NAMES);
    expect(FILTER_HELP.flags.map((f) => f.syntax)).toEqual(FLAG_NAMES.map((f) => `is:${f}`));
    expect(FILTER_HELP.mitmproxy.map((m) => m.syntax)).toContain('~hq REGEX');
    for (const { filter } of FILTER_HELP.examples) expect(parseFilter(filter), filter).toMatchObject({ ok: true });
  });
});
