// The HAR file export-har writes: any size, since it is written entry by entry
// (no command or thread carries the whole text), to a temp file renamed into
// place once complete. Mode 0600: it holds whatever the traffic held.
import { open, rename, rm } from 'node:fs/promises';
import type { ExchangeDetail } from '../core/api.js';
import { STATE_VERSION, type ExchangeState } from '../core/flow/state.js';
import { harEntry, inHar, toHar } from '../core/har/export.js';

/** The document up to its entry list, as the core's harText writes it: both ways give the same bytes. */
const HEAD = JSON.stringify(toHar([])).slice(0, -'[]}}'.length);
/** Entries are gathered into writes of about this many characters. */
const CHUNK_CHARS = 1024 * 1024;

type Parts = Iterable<string> | AsyncIterable<string>;

/** Writes the parts to `path` (0600), all or nothing. */
export async function writePrivateFile(path: string, parts: Parts): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await rm(tmp, { force: true });
  const file = await open(tmp, 'wx', 0o600);
  try {
    for await (const part of parts) await file.write(part);
    await file.close();
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  await rename(tmp, path);
}

/** Writes the HAR 1.2 of the states to `path` (tunnels left out, see inHar); resolves to how many entries it holds. */
export async function writeHarFile(path: string, states: Iterable<ExchangeState> | AsyncIterable<ExchangeState>): Promise<number> {
  let count = 0;
  async function* chunks(): AsyncGenerator<string> {
    let pending = `${HEAD}[`;
    for await (const s of states) {
      if (!inHar(s)) continue;
      pending += `${count++ === 0 ? '' : ','}${JSON.stringify(harEntry(s))}`;
      if (pending.length >= CHUNK_CHARS) {
        yield pending;
        pending = '';
      }
    }
    yield `${pending}]}}`;
  }
  await writePrivateFile(path, chunks());
  return count;
}

/** An exchange's state from its detail view: the fields a HAR entry is made of. */
export function stateOfDetail(d: ExchangeDetail): ExchangeState {
  return {
    v: STATE_VERSION,
    id: d.id,
    kind: d.kind,
    origin: 'proxy',
    request: { method: d.method, url: d.url, httpVersion: d.httpVersion, headers: d.request.headers, body: d.request.body },
    response: d.response,
    tunnel: d.tunnel,
    upstream: d.upstream ?? null,
    websocket: d.websocket ?? null,
    chunkTimes: null,
    error: d.error,
    timings: d.timings,
    meta: d.meta,
  };
}
