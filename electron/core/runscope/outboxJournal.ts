// The outbox's append-only journal: what happened to the newest messages since
// they were last folded into SQLite. One append (one write) per group commit
// costs far less than SQLite's B-tree work in WASM, which is then done in one
// large transaction when traffic pauses (see Outbox.fold).
//
// Format: a header line `{"journal":1,"generation":G}` and one line per record,
// `<JSON array>\t<payload>\n`. A message body is JSON text, which never holds a
// literal tab or newline, so it is written as it is, with no escaping. Reading
// stops at the first line that is cut or does not parse (a crash mid-write).
import { closeSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import type { DeliveryState } from '../api.js';
import type { RecentMessage } from './outboxRecent.js';

/** A record names the message by id and carries the fields of it that changed (outboxRecent.ts). */
export type JournalRecord =
  | ({ kind: 'queued' } & Pick<RecentMessage, 'id' | 'exchangeId' | 'createdAt' | 'body' | 'bytes'>)
  | ({ kind: 'outcome' } & Pick<RecentMessage, 'id' | 'state' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'httpStatus' | 'uuid' | 'updatedAt'>)
  | ({ kind: 'requeued' } & Pick<RecentMessage, 'id' | 'updatedAt'>)
  | ({ kind: 'dropped' } & Pick<RecentMessage, 'id'>);

/** Spilled bodies are read back in order (a fold, a catch-up): a window this large serves most reads from memory. */
const READ_WINDOW_BYTES = 2 ** 20;

const STATES = new Set<DeliveryState>(['queued', 'sent', 'retrying', 'failed']);

type QueuedRecord = Extract<JournalRecord, { kind: 'queued' }>;

/**
 * A queued record, its length in bytes and where its body starts in it, counted
 * without scanning the body again (its UTF-8 length is `bytes`).
 */
export function encodeQueued(r: Omit<QueuedRecord, 'kind'> & { body: string }): { text: string; length: number; bodyAt: number } {
  const head = `${JSON.stringify(['q', r.id, r.exchangeId, r.createdAt, r.bytes])}\t`;
  const bodyAt = Buffer.byteLength(head);
  return { text: `${head}${r.body}\n`, length: bodyAt + r.bytes + 1, bodyAt };
}

/** Any other record (a queued one is encodeQueued's). */
export function encodeRecord(r: Exclude<JournalRecord, QueuedRecord>): string {
  switch (r.kind) {
    case 'outcome':
      return `${JSON.stringify(['o', r.id, r.state, r.attempts, r.nextAttemptAt, r.lastError, r.httpStatus, r.uuid, r.updatedAt])}\t\n`;
    case 'requeued':
      return `${JSON.stringify(['u', r.id, r.updatedAt])}\t\n`;
    case 'dropped':
      return `${JSON.stringify(['d', r.id])}\t\n`;
  }
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** One record from one line, or null when the line is not a whole, valid record. */
function decodeRecord(line: string): JournalRecord | null {
  const tab = line.indexOf('\t');
  if (tab < 0) return null;
  let head: unknown;
  try {
    head = JSON.parse(line.slice(0, tab));
  } catch {
    return null;
  }
  if (!Array.isArray(head) || !isInt(head[1])) return null;
  const payload = line.slice(tab + 1);
  const [kind, id] = head as [unknown, number];
  if (kind === 'q') {
    const [, , exchangeId, createdAt, bytes] = head;
    if (typeof exchangeId !== 'string' || !isTime(createdAt) || Buffer.byteLength(payload) !== bytes) return null;
    return { kind: 'queued', id, exchangeId, createdAt, body: payload, bytes };
  }
  if (kind === 'o') {
    const [, , state, attempts, nextAttemptAt, lastError, httpStatus, uuid, updatedAt] = head;
    if (!STATES.has(state as DeliveryState) || !isInt(attempts) || !isTime(nextAttemptAt) || !isTime(updatedAt)) return null;
    if (!isNullableString(lastError) || !isNullableString(uuid) || !(httpStatus === null || isInt(httpStatus))) return null;
    return { kind: 'outcome', id, state: state as DeliveryState, attempts, nextAttemptAt, lastError, httpStatus, uuid, updatedAt };
  }
  if (kind === 'u' && isTime(head[2])) return { kind: 'requeued', id, updatedAt: head[2] };
  if (kind === 'd') return { kind: 'dropped', id };
  return null;
}

export class Journal {
  private readonly fd: number;
  /** Bytes known to be whole records; a failed append is cut back to this. */
  private length = 0;
  /** Written as the header by the first append after a reset. */
  private generation = 0;
  /** A reset that failed: appends retry it first, so nothing lands under a folded generation. */
  private resetPending = false;
  /** Bytes read ahead by bytesAt(), and where they start in the file. */
  private window = Buffer.alloc(0);
  private windowAt = 0;
  private windowLength = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a+', 0o600);
  }

  /** The generation in the header and the records after it, up to the first damaged line. */
  read(): { generation: number | null; records: JournalRecord[] } {
    const text = readFileSync(this.path, 'utf8');
    this.length = Buffer.byteLength(text);
    const lines = text.split('\n');
    lines.pop(); // after the last '\n': empty, or a line cut by a crash
    let generation: number | null = null;
    try {
      const header = JSON.parse(lines[0] ?? '') as { journal?: unknown; generation?: unknown };
      if (header.journal === 1 && isInt(header.generation)) this.generation = generation = header.generation;
    } catch {
      /* empty or cut header: no records follow it */
    }
    const records: JournalRecord[] = [];
    if (generation === null) return { generation, records };
    for (const line of lines.slice(1)) {
      const record = decodeRecord(line);
      if (!record) break;
      records.push(record);
    }
    return { generation, records };
  }

  /** Empties the journal; the next append starts `generation`. */
  reset(generation: number): void {
    this.generation = generation;
    this.resetPending = true;
    this.window = Buffer.alloc(0);
    this.windowLength = 0;
    ftruncateSync(this.fd);
    this.length = 0;
    this.resetPending = false;
  }

  /** Bytes in the journal (whole records). */
  get size(): number {
    return this.length;
  }

  /**
   * Appends whole records and returns the offset they start at; on failure (disk
   * full) cuts the file back so no partial record stays.
   */
  append(records: string): number {
    if (this.resetPending) this.reset(this.generation);
    const header = this.length === 0 ? `${JSON.stringify({ journal: 1, generation: this.generation })}\n` : '';
    // 'a+': every write goes to the end of the file.
    const bytes = Buffer.from(header + records);
    try {
      let done = 0;
      while (done < bytes.length) done += writeSync(this.fd, bytes, done);
      const start = this.length + header.length;
      this.length += bytes.length;
      return start;
    } catch (err) {
      this.windowLength = 0;
      try {
        ftruncateSync(this.fd, this.length);
      } catch {
        /* reading stops at the damaged line anyway */
      }
      throw err;
    }
  }

  /** The `length` bytes at `at` (a body appended earlier), as a view valid until the next call. */
  bytesAt(at: number, length: number): Buffer {
    if (at < this.windowAt || at + length > this.windowAt + this.windowLength) {
      const size = Math.min(Math.max(READ_WINDOW_BYTES, length), this.length - at);
      if (size < length) throw new Error(`outbox journal ends before byte ${at + length}`);
      if (this.window.length < size) this.window = Buffer.allocUnsafe(Math.max(READ_WINDOW_BYTES, length));
      let done = 0;
      while (done < size) {
        const n = readSync(this.fd, this.window, done, size - done, at + done);
        if (n === 0) throw new Error(`outbox journal ends before byte ${at + size}`);
        done += n;
      }
      this.windowAt = at;
      this.windowLength = size;
    }
    return this.window.subarray(at - this.windowAt, at - this.windowAt + length);
  }

  close(): void {
    closeSync(this.fd);
  }
}
