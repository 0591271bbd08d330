// The HAR imports the session worker runs: the importHar command's steps,
// each answered with how far its import got. An import nobody sends to for a
// minute (a closed window, a killed CLI) is given up, so its rows do not wait
// for the next start to go.
import type { ImportHarStep } from '../../api.js';
import { HarImporter } from './harImporter.js';
import type { SessionDb } from './sessionDb.js';

/** An importHar step as it reaches the worker: the chunk's bytes, decoded on the proxy thread. */
export interface ImportStepArgs {
  id?: number;
  name?: string;
  bytes?: Uint8Array;
  last?: boolean;
  abort?: boolean;
}

const IDLE_MS = 60_000;

export class WorkerImports {
  private readonly running = new Map<number, { importer: HarImporter; idle: NodeJS.Timeout }>();

  /** `finished`: an import became a listed session (retention may have evicted for it). */
  constructor(
    private readonly store: SessionDb,
    private readonly finished: () => void,
  ) {}

  step(q: ImportStepArgs): ImportHarStep {
    let id = q.id;
    if (id === undefined) {
      const importer = new HarImporter(this.store, q.name!);
      id = importer.session;
      this.running.set(id, { importer, idle: this.idleTimer(id) });
    }
    const run = this.running.get(id);
    if (!run) return { ok: false, invalid: false, error: `no import ${id} under way (it was given up after a minute without a step, or it is over)` };
    run.idle.refresh();
    if (q.abort) {
      this.give(id);
      return { ok: false, invalid: false, error: 'the import was abandoned' };
    }
    const failed = q.bytes && q.bytes.length > 0 ? run.importer.write(q.bytes) : null;
    if (failed) {
      this.give(id);
      return failed;
    }
    const progress = run.importer.progress;
    if (!q.last) return { ok: true, id, done: false, ...progress };
    this.forget(id);
    const result = run.importer.end();
    if (!result.ok) return result;
    this.finished();
    return { ok: true, id, done: true, ...run.importer.progress, session: result.session, count: result.count };
  }

  /** The store stops: imports under way are given up. */
  stopAll(): void {
    for (const id of [...this.running.keys()]) this.give(id);
  }

  private idleTimer(id: number): NodeJS.Timeout {
    return setTimeout(() => this.give(id), IDLE_MS).unref();
  }

  private give(id: number): void {
    const run = this.running.get(id);
    this.forget(id);
    run?.importer.abort();
  }

  private forget(id: number): void {
    clearTimeout(this.running.get(id)?.idle);
    this.running.delete(id);
  }
}
