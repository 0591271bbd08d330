// The outbox's newest messages, held in memory (and in the journal) until they
// are folded into SQLite. Ids only grow, so every message here is newer than
// every message in the database.
import type { DeliveryState, DeliverySummary } from '../api.js';

export interface RecentMessage {
  id: number;
  exchangeId: string;
  /** null once spilled: then only the journal holds it, at `at`. */
  body: string | null;
  bytes: number;
  /** Byte offset of the body in the journal, or -1 while not known there. */
  at: number;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  httpStatus: number | null;
  uuid: string | null;
  createdAt: number;
  updatedAt: number;
}

export const isWaiting = (state: DeliveryState) => state === 'queued' || state === 'retrying';

export function summaryOf(m: RecentMessage): DeliverySummary {
  return {
    exchangeId: m.exchangeId,
    state: m.state,
    attempts: m.attempts,
    lastError: m.lastError,
    httpStatus: m.httpStatus,
    runscopeUuid: m.uuid,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

export class RecentMessages {
  /** In id order (Map keeps insertion order and ids are handed out in order). */
  private readonly byId = new Map<number, RecentMessage>();
  private readonly byExchange = new Map<string, RecentMessage>();
  /** The waiting ones, so hand-out does not walk the settled. */
  readonly waiting = new Set<RecentMessage>();
  bytes = 0;
  /** Bytes of the bodies held in memory (not spilled). */
  heldBytes = 0;
  /** Messages whose bodies are in memory and in the journal: what spill() can let go. */
  private spillable: RecentMessage[] = [];

  get size(): number {
    return this.byId.size;
  }

  get(id: number): RecentMessage | undefined {
    return this.byId.get(id);
  }

  byExchangeId(exchangeId: string): RecentMessage | undefined {
    return this.byExchange.get(exchangeId);
  }

  add(m: RecentMessage): void {
    this.byId.set(m.id, m);
    this.byExchange.set(m.exchangeId, m);
    this.bytes += m.bytes;
    if (m.body !== null) {
      this.heldBytes += m.bytes;
      if (m.at >= 0) this.spillable.push(m);
    }
    if (isWaiting(m.state)) this.waiting.add(m);
  }

  remove(m: RecentMessage): void {
    this.byId.delete(m.id);
    this.byExchange.delete(m.exchangeId);
    this.bytes -= m.bytes;
    if (m.body !== null) this.heldBytes -= m.bytes;
    this.waiting.delete(m);
  }

  /** `m`'s body is now in the journal at `at`. */
  journaled(m: RecentMessage, at: number): void {
    m.at = at;
    this.spillable.push(m);
  }

  /** Lets go of the bodies the journal holds; they are read back from it when needed. */
  spill(): void {
    for (const m of this.spillable) {
      if (m.body === null || this.byId.get(m.id) !== m) continue;
      m.body = null;
      this.heldBytes -= m.bytes;
    }
    this.spillable = [];
  }

  /** After a state change: keeps `waiting` in step. */
  restate(m: RecentMessage, state: DeliveryState): void {
    m.state = state;
    if (isWaiting(state)) this.waiting.add(m);
    else this.waiting.delete(m);
  }

  /** Puts back messages removed by a write that then failed, keeping id order. */
  restore(removed: RecentMessage[]): void {
    if (removed.length === 0) return;
    const all = [...this.byId.values(), ...removed].sort((a, b) => a.id - b.id);
    this.clear();
    for (const m of all) this.add(m);
  }

  values(): IterableIterator<RecentMessage> {
    return this.byId.values();
  }

  clear(): void {
    this.byId.clear();
    this.byExchange.clear();
    this.waiting.clear();
    this.spillable = [];
    this.bytes = 0;
    this.heldBytes = 0;
  }
}
