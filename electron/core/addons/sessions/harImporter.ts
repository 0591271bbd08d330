// A HAR file read into a new session of the store as it streams in: each entry
// is converted (harEntryToState, origin `import`) as soon as it is parsed and
// written in steps, so memory holds one entry being parsed and one step, never
// the file. All or nothing: the first entry refused, or a step that cannot be
// written, removes the session with whatever of it was written.
// Used by the session worker (the instance's imports) and by the CLI when no
// instance runs on the data dir.
import type { SessionInfo } from '../../api.js';
import type { Exchange } from '../../flow/exchange.js';
import { fromState } from '../../flow/state.js';
import { HarReader, HarRefused } from '../../har/harReader.js';
import { harEntryToState } from '../../har/import.js';
import type { SessionDb } from './sessionDb.js';

/** Exchanges per step at most: a transaction of the store holds no more (COMMIT_MAX_EXCHANGES). */
const STEP_EXCHANGES = 2000;
/** Body bytes per step at most, so a HAR of large bodies is written in smaller steps. */
const STEP_BYTES = 32 * 1024 * 1024;
const URL_SHOWN = 200;

export interface ImportProgress {
  entries: number;
  bytes: number;
}

/** `invalid`: the file was refused (exit 2 for the CLI); else the store failed. */
export type ImportFailure = { ok: false; error: string; invalid: boolean };
export type ImportResult = { ok: true; session: SessionInfo; count: number } | ImportFailure;

/** The refusal as harEntryToState words it, then the entry's request when it has a URL to tell it by. */
function refusal(error: string, entry: unknown): string {
  const req = (entry as { request?: { method?: unknown; url?: unknown } } | null)?.request;
  if (typeof req?.url !== 'string' || req.url === '') return error;
  const url = req.url.length > URL_SHOWN ? `${req.url.slice(0, URL_SHOWN)}…` : req.url;
  return `${error} (entry: ${typeof req.method === 'string' ? `${req.method} ` : ''}${url})`;
}

export class HarImporter {
  /** The new session (hidden until end() succeeds). */
  readonly session: number;
  private readonly reader: HarReader;
  private step: Exchange[] = [];
  private stepBytes = 0;
  private written = 0;
  private failure: ImportFailure | null = null;
  private finished = false;

  constructor(
    private readonly store: SessionDb,
    name: string,
    now = Date.now(),
  ) {
    this.session = store.startImport(name, now);
    this.reader = new HarReader((entry, index) => this.entry(entry, index));
  }

  get progress(): ImportProgress {
    return { entries: this.reader.entries, bytes: this.reader.bytes };
  }

  /** Reads the next bytes of the file; a failure has removed the import. */
  write(chunk: Uint8Array): ImportFailure | null {
    const over = this.over();
    if (over) return over;
    try {
      this.reader.write(chunk);
      return null;
    } catch (err) {
      return this.fail(err);
    }
  }

  /** The file is over: the session is listed from now on, or the import is refused and gone. */
  end(): ImportResult {
    const over = this.over();
    if (over) return over;
    try {
      this.reader.end();
      this.flush();
      this.finished = true;
      return { ok: true, session: this.store.finishImport(this.session), count: this.written };
    } catch (err) {
      return this.fail(err);
    }
  }

  /** Given up (the caller went away, the store stops): nothing of it remains. */
  abort(): void {
    if (!this.failure && !this.finished) this.fail(new Error('the import was abandoned'));
  }

  private over(): ImportFailure | null {
    return this.failure ?? (this.finished ? { ok: false, invalid: false, error: 'this import is already over' } : null);
  }

  private entry(entry: unknown, index: number): void {
    const one = harEntryToState(entry, index);
    if (!one.ok) throw new HarRefused(refusal(one.error, entry));
    const ex = fromState(one.state);
    this.step.push(ex);
    this.stepBytes += ex.request.body.kept + (ex.response?.body.kept ?? 0);
    if (this.step.length >= STEP_EXCHANGES || this.stepBytes >= STEP_BYTES) this.flush();
  }

  private flush(): void {
    if (this.step.length === 0) return;
    this.store.writeImport(this.session, this.step);
    this.written += this.step.length;
    this.step = [];
    this.stepBytes = 0;
  }

  private fail(err: unknown): ImportFailure {
    const invalid = err instanceof HarRefused;
    const message = (err as Error).message;
    this.failure = { ok: false, invalid, error: invalid ? message : `the session store could not take the import (${message}): nothing was imported` };
    this.step = [];
    try {
      this.store.discardImport(this.session);
    } catch {
      // Still marked as an import in the file: removed when the store is next opened.
    }
    return this.failure;
  }
}
