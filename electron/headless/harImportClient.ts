// How `proxyscope import-har` feeds a HAR file to the store: through the
// running instance's importHar command, chunk by chunk, or straight into
// sessions.db with the same HarImporter the instance's worker runs. Either
// way the file is read as a stream: no size bound but the store's.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ImportHarStep, ImportHarStepQuery, SessionInfo } from '../core/api.js';
import { HarImporter } from '../core/addons/sessions/harImporter.js';
import type { SessionDb } from '../core/addons/sessions/sessionDb.js';
import { IMPORT_CHUNK_MAX_BYTES } from '../core/apiSchemas.js';
import { UsageError } from './cliOptions.js';

export type Imported = { ok: true; session: SessionInfo; count: number } | { ok: false; error: string; invalid: boolean };
/** Bytes read of the file's size, entries parsed. */
export type OnProgress = (p: { bytes: number; total: number; entries: number }) => void;

/** The file's size; a file that cannot be read is a usage error (exit 2), found before any store is opened. */
export async function harFileSize(file: string): Promise<number> {
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new UsageError(`cannot import ${file}: not a file`);
    return st.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot import ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

async function open(file: string): Promise<{ total: number; chunks: AsyncIterable<Buffer> }> {
  return { total: await harFileSize(file), chunks: createReadStream(file, { highWaterMark: IMPORT_CHUNK_MAX_BYTES }) };
}

/** A read error mid-file is the file's fault too. */
async function* guarded(file: string, chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = chunks[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await it.next();
    } catch (err) {
      throw new UsageError(`cannot import ${file}: ${(err as Error).message}`);
    }
    if (next.done) return;
    yield next.value;
  }
}

/**
 * Through the instance: one importHar step per chunk. `step` throws when the
 * instance cannot be reached; the caller may then ask the file instead, since an
 * instance that stops gives up its imports under way (nothing of them remains).
 * A step that answers ok:false has removed the import already.
 */
export async function importThroughInstance(step: (q: ImportHarStepQuery, last: boolean) => Promise<ImportHarStep>, file: string, name: string, progress: OnProgress): Promise<Imported> {
  const { total, chunks } = await open(file);
  let id: number | undefined;
  let pending: Buffer | null = null;
  const send = async (chunk: Buffer | null, last: boolean): Promise<ImportHarStep> => {
    const answer = await step({ ...(id === undefined ? { name } : { id }), ...(chunk ? { chunk: chunk.toString('base64') } : {}), ...(last ? { last } : {}) }, last);
    if (answer.ok) {
      id = answer.id;
      progress({ bytes: answer.bytes, total, entries: answer.entries });
    }
    return answer;
  };
  // One chunk is held back, so the last one goes with `last` and the import ends in the step that carries it.
  for await (const chunk of guarded(file, chunks)) {
    if (pending) {
      const answer = await send(pending, false);
      if (!answer.ok) return answer;
    }
    pending = chunk;
  }
  const answer = await send(pending, true);
  if (!answer.ok) return answer;
  if (!answer.done) throw new Error('the instance did not finish the import');
  return { ok: true, session: answer.session, count: answer.count };
}

/** Into sessions.db, opened by the caller (who holds the data dir). */
export async function importIntoFile(store: SessionDb, file: string, name: string, progress: OnProgress): Promise<Imported> {
  const { total, chunks } = await open(file);
  // Nobody else has the file open: an import a crash cut short is gone before this one starts.
  store.discardUnfinishedImports();
  const importer = new HarImporter(store, name);
  try {
    for await (const chunk of guarded(file, chunks)) {
      const failed = importer.write(chunk);
      if (failed) return failed;
      progress({ ...importer.progress, total });
    }
  } catch (err) {
    importer.abort();
    throw err;
  }
  return importer.end();
}
