// The UI thread's side of the body worker: one worker, promises per request.
import type { BodyRequest, BodyResult } from './bodyFormat';

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, (r: BodyResult) => void>();

export function formatInWorker(req: Omit<BodyRequest, 'id'>): Promise<BodyResult> {
  if (!worker) {
    worker = new Worker(new URL('./bodyWorker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (e: MessageEvent<BodyResult>) => {
      pending.get(e.data.id)?.(e.data);
      pending.delete(e.data.id);
    });
  }
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker!.postMessage({ ...req, id });
  });
}
