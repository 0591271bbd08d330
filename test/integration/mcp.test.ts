// `proxyscope mcp` as a coding agent sees it: the MCP SDK's own client over
// stdio, against a child process of the built CLI, while a headless instance
// holds the data dir and after it stopped. What it returns is redacted like
// what is forwarded (credentials, and the data dir's redact rules).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startHeadless, type HeadlessProcess } from '../support/headlessProcess.js';
import { viaProxy } from '../support/proxyClient.js';
import { upstreamForSuite } from '../support/upstreamFixture.js';

const upstream = upstreamForSuite();
const SECRET = 'Bearer mcp-secret-4711';
let dataDir: string;
let instance: HeadlessProcess | null = null;
const clients: Client[] = [];

async function agent(...flags: string[]): Promise<Client> {
  const client = new Client({ name: 'proxyscope-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--data-dir', dataDir, ...flags], stderr: 'pipe' }));
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ value: any; isError: boolean }> {
  const r = await client.callTool({ name, arguments: args });
  const first = (r.content as Array<{ type: string; text: string }>)[0]!;
  return { value: JSON.parse(first.text), isError: r.isError === true };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'mcp-'));
  writeFileSync(join(dataDir, 'rules.json'), JSON.stringify({ version: 1, rules: [{ name: 'no passwords', match: '', action: { type: 'redact', json: ['password'], query: ['token'] } }] }));
  instance = await startHeadless(['--port', '0', '--no-ui', '--data-dir', dataDir]);
  const proxy = String(instance.ready.proxy);
  await viaProxy(proxy, `${upstream().httpUrl}/status?code=503&token=t-123`, { headers: { authorization: SECRET } });
  await viaProxy(proxy, `${upstream().httpUrl}/echo`, { method: 'POST', body: JSON.stringify({ user: 'ada', password: 'pw-42' }), headers: { 'content-type': 'application/json' } });
  await viaProxy(proxy, `${upstream().httpUrl}/gzip`);
  await instance.waitForCount((e) => e.event === 'exchange', 3);
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.close();
  await instance?.exit();
});

describe('proxyscope mcp', () => {
  it('lists its tools', async () => {
    const tools = await (await agent()).listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual(['get_exchange', 'list_sessions', 'replay_exchange', 'search_exchanges']);
  });

  it('finds status>=500 exchanges of the session and reads one, credentials and rule fields redacted (instance running)', async () => {
    const client = await agent();
    const found = await call(client, 'search_exchanges', { filter: 'status>=500' });
    expect(found.value).toMatchObject({ matched: 1, total: 3 });
    const [row] = found.value.exchanges;
    expect(row).toMatchObject({ method: 'GET', status: 503 });
    expect(row.url).toContain('token=%5Bredacted%5D');
    const ex = (await call(client, 'get_exchange', { id: row.id })).value;
    expect(ex.request.headers).toContainEqual(['authorization', '[redacted]']);
    expect(JSON.stringify(ex)).not.toContain('mcp-secret-4711');
    const post = (await call(client, 'search_exchanges', { filter: 'method=POST' })).value.exchanges[0];
    const body = (await call(client, 'get_exchange', { id: post.id })).value.request.body;
    expect(JSON.parse(body.content)).toEqual({ user: 'ada', password: '[redacted]' });
  });

  it('decodes compressed bodies, cuts them to maxBodyBytes, and says so', async () => {
    const client = await agent();
    const gz = (await call(client, 'search_exchanges', { filter: 'path=/gzip' })).value.exchanges[0];
    const whole = (await call(client, 'get_exchange', { id: gz.id })).value.response.body;
    expect(whole).toMatchObject({ encoding: 'utf8', content: 'compressed hello', decodedFrom: 'gzip', truncated: false });
    const cut = (await call(client, 'get_exchange', { id: gz.id, maxBodyBytes: 4 })).value.response.body;
    expect(cut).toMatchObject({ content: 'comp', shownBytes: 4, truncated: true });
  });

  it('replays an exchange through the running instance, changed, and returns the new one', async () => {
    const client = await agent();
    const post = (await call(client, 'search_exchanges', { filter: 'method=POST' })).value.exchanges[0];
    const r = await call(client, 'replay_exchange', { id: post.id, body: '{"user":"bob","password":"pw-7"}' });
    expect(r.isError).toBe(false);
    expect(r.value).toMatchObject({ method: 'POST', status: 200, meta: { replayOf: post.id } });
    expect(JSON.parse(r.value.response.body.content)).toEqual({ user: 'bob', password: '[redacted]' });
  });

  it('refuses a bad filter with its column, and an unknown id', async () => {
    const client = await agent();
    const bad = await call(client, 'search_exchanges', { filter: 'status>=' });
    expect(bad.isError).toBe(true);
    expect(bad.value.error).toMatch(/^filter error at column \d+/);
    expect((await call(client, 'get_exchange', { id: 'nope' })).isError).toBe(true);
  });

  it('answers from sessions.db once the instance stopped; --no-redact hands over what was captured', async () => {
    expect(await instance!.exit()).toBe(0);
    instance = null;
    const client = await agent();
    const sessions = (await call(client, 'list_sessions')).value;
    expect(sessions).toMatchObject([{ exchanges: 4, current: true }]);
    expect((await call(client, 'search_exchanges', { filter: 'status>=500' })).value).toMatchObject({ matched: 1 });
    const offline = await call(client, 'replay_exchange', { id: 'any' });
    expect(offline).toMatchObject({ isError: true, value: { error: expect.stringMatching(/^no Proxyscope runs on this data dir/) } });
    const trusting = await agent('--no-redact');
    const row = (await call(trusting, 'search_exchanges', { filter: 'status>=500' })).value.exchanges[0];
    const ex = (await call(trusting, 'get_exchange', { id: row.id })).value;
    expect(ex.request.headers).toContainEqual(['authorization', SECRET]);
  });
});
