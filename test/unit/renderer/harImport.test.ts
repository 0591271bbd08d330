// The renderer's side of Import HAR: the file in chunks of at most what one
// importHar step takes, each answer's progress passed on, a refusal returned
// as it came, the import given up when the file cannot be read.
import { describe, expect, it } from 'vitest';
import type { ImportHarStep, ImportHarStepQuery } from '../../../electron/core/api.js';
import { base64, CHUNK_BYTES, importedName, importHarFile, type ImportProgress } from '../../../renderer/src/components/harImport.js';

const decoded = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
// Byte for byte, without vitest's element-by-element diff of a megabyte.
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};

/** A core that takes the steps and answers as the worker would. */
function fakeCore(refuseAt?: number) {
  const steps: ImportHarStepQuery[] = [];
  let bytes = 0;
  const step = async (q: ImportHarStepQuery): Promise<ImportHarStep> => {
    steps.push(q);
    if (q.abort) return { ok: false, invalid: false, error: 'the import was abandoned' };
    bytes += q.chunk ? decoded(q.chunk).length : 0;
    if (refuseAt !== undefined && steps.length === refuseAt) return { ok: false, invalid: true, error: 'entries[3].request.url: missing (expected a string)' };
    if (!q.last) return { ok: true, id: 7, done: false, entries: steps.length, bytes };
    const session = { id: 7, name: 'x', startedAt: 0, exchanges: 1, bytes: 1, current: false, restarts: [] };
    return { ok: true, id: 7, done: true, entries: steps.length, bytes, session, count: steps.length };
  };
  return { steps, step };
}

describe('importHarFile', () => {
  it('sends the file in chunks, the first naming the session, the last marked, and reports progress', async () => {
    const content = new TextEncoder().encode('é'.repeat(CHUNK_BYTES + 5));
    const core = fakeCore();
    const seen: ImportProgress[] = [];
    const result = await importHarFile(new Blob([content]), 'Imported a.har', core.step, (p) => seen.push(p));
    expect(result).toMatchObject({ ok: true, done: true, count: 3 });
    expect(core.steps.map((s) => [s.id, s.name, s.last])).toEqual([[undefined, 'Imported a.har', undefined], [7, undefined, undefined], [7, undefined, true]]);
    expect(core.steps.map((s) => decoded(s.chunk!).length)).toEqual([CHUNK_BYTES, CHUNK_BYTES, 10]);
    expect(sameBytes(concat(core.steps.map((s) => decoded(s.chunk!))), content)).toBe(true);
    expect(seen.map((p) => p.bytes)).toEqual([CHUNK_BYTES, CHUNK_BYTES * 2, content.length]);
    expect(seen.every((p) => p.total === content.length)).toBe(true);
  });

  it('an empty file is one last step without a chunk (the core refuses it)', async () => {
    const core = fakeCore();
    await importHarFile(new Blob([]), 'n', core.step, () => undefined);
    expect(core.steps).toEqual([{ name: 'n', last: true }]);
  });

  it('stops at a refusal and returns it as it came', async () => {
    const core = fakeCore(2);
    const result = await importHarFile(new Blob([new Uint8Array(CHUNK_BYTES * 3)]), 'n', core.step, () => undefined);
    expect(result).toEqual({ ok: false, invalid: true, error: 'entries[3].request.url: missing (expected a string)' });
    expect(core.steps).toHaveLength(2);
  });

  it('gives the import up when the file cannot be read past the first chunk', async () => {
    const core = fakeCore();
    const blob = new Blob([new Uint8Array(CHUNK_BYTES + 1)]);
    let slices = 0;
    const failing = { size: blob.size, slice: (a: number, b: number) => (++slices === 2 ? { arrayBuffer: () => Promise.reject(new Error('file changed')) } : blob.slice(a, b)) } as unknown as Blob;
    const result = await importHarFile(failing, 'n', core.step, () => undefined);
    expect(result).toEqual({ ok: false, invalid: false, error: 'the file could not be read (file changed)' });
    expect(core.steps.at(-1)).toEqual({ id: 7, abort: true });
  });

  it('base64 of any bytes, and the default session name within 200 characters', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i % 256);
    expect(sameBytes(decoded(base64(bytes)), bytes)).toBe(true);
    expect(base64(new Uint8Array([0xff, 0, 0x41]))).toBe('/wBB');
    expect(importedName('foo.har')).toBe('Imported foo.har');
    expect(importedName('x'.repeat(300))).toHaveLength(200);
  });
});
