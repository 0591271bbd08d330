// What the delivery and session channels share about their worker threads:
// starting one and waiting for its ready message, and answers to numbered queries.
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A worker script next to the calling module (`import.meta.url`), or in the build when that module runs from source (vitest). */
export function workerScriptUrl(file: string, moduleUrl: string): URL {
  const sibling = new URL(`./${file}`, moduleUrl);
  const path = fileURLToPath(sibling);
  if (existsSync(path)) return sibling;
  const at = path.lastIndexOf(`${sep}electron${sep}`);
  return pathToFileURL(`${path.slice(0, at)}${sep}dist${path.slice(at)}`);
}

export interface WorkerStart<Msg, Ready> {
  url: URL;
  name: string;
  workerData: unknown;
  youngGenerationMb: number;
  /** The ready message's payload, or undefined for a message that is not it. */
  ready(msg: Msg): Ready | undefined;
  /** Messages before the ready one (log lines, say). */
  early?(msg: Msg): void;
  timeoutMs?: number;
}

/**
 * Starts the worker and resolves with `make(worker, ready)` once it says it is
 * ready; a worker that dies or stays silent first is terminated. `make` runs in
 * the same turn as the ready message, so the owner's listeners are on before
 * the worker's next message or error (one dispatch may carry several).
 */
export function startWorker<Msg, Ready, Owner>(s: WorkerStart<Msg, Ready>, make: (worker: Worker, ready: Ready) => Owner): Promise<Owner> {
  const worker = new Worker(s.url, { workerData: s.workerData, name: s.name, resourceLimits: { maxYoungGenerationSizeMb: s.youngGenerationMb } });
  const timeoutMs = s.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${s.name} worker not ready within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (msg: Msg) => {
      const ready = s.ready(msg);
      if (ready === undefined) s.early?.(msg);
      else done(null, ready);
    };
    const onError = (err: Error) => done(err);
    const onExit = (code: number) => done(new Error(`${s.name} worker exited (${code}) before it was ready`));
    const done = (err: Error | null, ready?: Ready) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (err) {
        void worker.terminate();
        reject(err);
      } else resolve(make(worker, ready as Ready));
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
}

/** Queries sent to a worker by number, settled by its answer messages. */
export class PendingAnswers {
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private next = 1;

  /** `send(id)` posts the query; the promise settles with the answer carrying that id. */
  ask<T>(send: (id: number) => void): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      send(id);
    });
  }

  settle(msg: { id: number; value?: unknown; error?: string }): void {
    const waiter = this.waiting.get(msg.id);
    this.waiting.delete(msg.id);
    if (msg.error !== undefined) waiter?.reject(new Error(msg.error));
    else waiter?.resolve(msg.value);
  }

  rejectAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
