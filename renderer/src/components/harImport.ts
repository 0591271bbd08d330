// A HAR file chosen in the sessions view, sent to the core in chunks
// (importHar): the renderer never holds the whole file, and each chunk's answer
// says how far the import got, for the progress bar.
import type { ImportHarStep, ImportHarStepQuery } from '../../../electron/core/api';

/** What one importHar step carries at most (IMPORT_CHUNK_MAX_BYTES in apiSchemas.ts). */
export const CHUNK_BYTES = 512 * 1024;
const NAME_MAX = 200;

export interface ImportProgress {
  bytes: number;
  total: number;
  entries: number;
}

type Step = (q: ImportHarStepQuery) => Promise<ImportHarStep>;

export const importedName = (fileName: string) => `Imported ${fileName}`.slice(0, NAME_MAX);

export function base64(bytes: Uint8Array): string {
  let binary = '';
  // In pieces: String.fromCharCode takes its bytes as arguments, and arguments are bounded.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Sends the file step by step; the answer to the last step (or the first refusal). */
export async function importHarFile(file: Blob, name: string, step: Step, onProgress: (p: ImportProgress) => void): Promise<ImportHarStep> {
  const total = file.size;
  let id: number | undefined;
  for (let at = 0; ; at += CHUNK_BYTES) {
    const end = Math.min(at + CHUNK_BYTES, total);
    const last = end >= total;
    let chunk: string;
    try {
      chunk = base64(new Uint8Array(await file.slice(at, end).arrayBuffer()));
    } catch (err) {
      if (id !== undefined) await step({ id, abort: true }).catch(() => undefined);
      return { ok: false, invalid: false, error: `the file could not be read (${(err as Error).message})` };
    }
    const answer = await step({ ...(id === undefined ? { name } : { id }), ...(chunk ? { chunk } : {}), ...(last ? { last } : {}) });
    if (!answer.ok) return answer;
    id = answer.id;
    onProgress({ bytes: answer.bytes, total, entries: answer.entries });
    if (last) return answer;
  }
}
