// Small JSON settings files of the data dir (capture.json, proxy.json): read
// leniently (missing is "nothing saved", damaged is a warning, never a failed
// start), written whole, atomically, 0600 like settings.json.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../files/writeFileAtomic.js';

export async function readJsonFile(path: string): Promise<{ value: Record<string, unknown>; warning: string | null }> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { value: {}, warning: `ignored ${path}: not a JSON object` };
    return { value: value as Record<string, unknown>, warning: null };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { value: {}, warning: null };
    return { value: {}, warning: `ignored ${path}: ${(err as Error).message}` };
  }
}

export function writeJsonFile(path: string, value: object): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, 0o600);
}
