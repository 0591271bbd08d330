// HAR files for import tests: `proxyscope import-har` as a child process, a
// large HAR written entry by entry (never held whole), and reading back what
// an import stored.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { SessionDb } from '../../electron/core/addons/sessions/sessionDb.js';
import { matching } from '../../electron/core/addons/sessions/sessionQueries.js';
import type { Exchange } from '../../electron/core/flow/exchange.js';
import { runCli } from './headlessProcess.js';

export const importHar = (dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['import-har', '--data-dir', dataDir, ...args], env).done;

/** One generated entry: a GET or a POST with a JSON body, a JSON response of about `bodyBytes`. */
export function generatedEntry(i: number, bodyBytes: number) {
  const post = i % 4 === 0;
  return {
    startedDateTime: new Date(Date.UTC(2024, 4, 1) + i).toISOString(),
    time: 3.5,
    request: {
      method: post ? 'POST' : 'GET',
      url: `https://load.example.test/items/${i}?page=${i % 10}`,
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'Host', value: 'load.example.test' }, { name: 'Accept', value: 'application/json' }],
      ...(post ? { postData: { mimeType: 'application/json', text: JSON.stringify({ n: i }) } } : {}),
      bodySize: post ? JSON.stringify({ n: i }).length : 0,
    },
    response: {
      status: i % 50 === 0 ? 500 : 200,
      statusText: 'OK',
      headers: [{ name: 'Content-Type', value: 'application/json' }],
      content: { size: -1, mimeType: 'application/json', text: JSON.stringify({ i, pad: 'x'.repeat(bodyBytes) }) },
      bodySize: -1,
    },
    timings: { send: 0.5, wait: 2, receive: 1 },
  };
}

/** Writes a HAR of `count` generated entries to `path`, a chunk at a time; resolves to its size in bytes. */
export async function writeGeneratedHar(path: string, count: number, bodyBytes: number): Promise<number> {
  const out = createWriteStream(path);
  let size = 0;
  const write = async (text: string) => {
    size += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"log":{"version":"1.2","creator":{"name":"generator","version":"1"},"entries":[');
  for (let i = 0; i < count; i++) await write(`${i ? ',' : ''}${JSON.stringify(generatedEntry(i, bodyBytes))}`);
  await write(']}}');
  out.end();
  await once(out, 'close');
  return size;
}

/** The exchanges a session holds, oldest first, read from the data dir's sessions.db (no instance running). */
export function storedSession(dataDir: string, session: number): Exchange[] {
  const db = new SessionDb(join(dataDir, 'sessions.db'), { maxExchanges: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER }, { reader: true });
  try {
    return [...matching(db, { session })].sort((a, b) => a.timings.startedAt - b.timings.startedAt);
  } finally {
    db.close();
  }
}

/** What an import keeps of an exchange: what the HAR carries, bodies decoded. */
export function carried(ex: Exchange) {
  return {
    method: ex.request.method,
    url: ex.request.url,
    status: ex.response?.status ?? null,
    error: ex.error,
    requestBody: ex.request.body.bytes().toString('base64'),
    responseBody: ex.response?.body.bytes().toString('base64') ?? null,
  };
}
