// Settings' "Send test message": one sample message POSTed now with the saved
// settings, straight to the collector (not through the outbox: it is a check,
// not traffic), answered with what the collector said.
import { randomUUID } from 'node:crypto';
import type { TestMessageResult } from '../api.js';
import { CapturedBody } from '../flow/body.js';
import type { Exchange } from '../flow/exchange.js';
import { packPairs } from '../flow/headers.js';
import type { RunscopeSettings } from '../settings/schema.js';
import { RunscopeClient } from './client.js';
import { toRunscopeMessage } from './message.js';

/** A made-up GET answered 200, built like any forwarded exchange. */
export function testExchange(now = Date.now()): Exchange {
  const body = new CapturedBody(64);
  body.push(Buffer.from('Proxyscope test message'));
  return {
    id: `proxyscope-test-${randomUUID()}`,
    kind: 'http',
    origin: 'proxy',
    request: { method: 'GET', url: 'https://proxyscope.test/test-message', host: 'proxyscope.test', httpVersion: '1.1', headers: packPairs([['User-Agent', 'Proxyscope test message']]), body: new CapturedBody(0) },
    response: { status: 200, reason: 'OK', headers: packPairs([['Content-Type', 'text/plain']]), body },
    tunnel: null,
    upstream: null,
    websocket: null,
    chunkTimes: null,
    error: null,
    timings: { startedAt: now - 12, responseStartedAt: now - 2, endedAt: now },
    meta: {},
  };
}

export async function sendTestMessage(s: RunscopeSettings): Promise<TestMessageResult> {
  if (s.access_token === '') return { ok: false, httpStatus: null, error: 'access_token is required: save one first' };
  if (s.bucket === '') return { ok: false, httpStatus: null, error: 'bucket is required: save one first' };
  const ex = testExchange();
  const client = new RunscopeClient();
  try {
    const r = await client.send(JSON.stringify(toRunscopeMessage(ex, s.log_body)), s, s.bucket);
    if (r.kind === 'sent') return { ok: true, httpStatus: r.httpStatus, uuid: r.uuid, id: ex.id, bucket: s.bucket };
    return { ok: false, httpStatus: r.httpStatus, error: r.error };
  } finally {
    await client.close();
  }
}
