// Captured exchanges in memory, bounded by count and body bytes; oldest evicted first.
import { capturedBytes, type Exchange } from '../../flow/exchange.js';

export class ExchangeStore {
  private readonly byId = new Map<string, Exchange>();
  /**
   * Oldest first from `head`. Finding the oldest through the Map's iterator
   * skips every hole earlier deletions left, once per eviction.
   */
  private order: Array<Exchange | undefined> = [];
  private head = 0;
  private bytes = 0;

  constructor(private maxExchanges: number, private readonly maxBytes: number) {}

  /** A new count bound (Settings): the oldest over it go now. */
  setMaxExchanges(maxExchanges: number): void {
    this.maxExchanges = maxExchanges;
    this.evict();
  }

  add(ex: Exchange): void {
    if (this.byId.has(ex.id)) return;
    this.byId.set(ex.id, ex);
    this.order.push(ex);
    this.bytes += capturedBytes(ex);
    this.evict();
  }

  /** Call when an exchange's bodies grew (bytes were counted at add with what it had then). */
  grew(ex: Exchange, previousBytes: number): void {
    if (!this.byId.has(ex.id)) return;
    this.bytes += capturedBytes(ex) - previousBytes;
    this.evict();
  }

  get(id: string): Exchange | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Newest last; at most `limit` of the newest. */
  latest(limit: number): Exchange[] {
    const out: Exchange[] = [];
    for (let i = this.order.length - 1; i >= this.head && out.length < limit; i--) {
      const ex = this.order[i];
      if (ex) out.push(ex);
    }
    return out.reverse();
  }

  /** Takes these out (deleted by the user); their slots in `order` become holes, skipped like evicted ones. */
  forget(ids: readonly string[]): void {
    for (const id of ids) {
      const ex = this.byId.get(id);
      if (!ex) continue;
      this.byId.delete(id);
      this.bytes -= capturedBytes(ex);
      const at = this.order.indexOf(ex, this.head);
      if (at >= 0) this.order[at] = undefined;
    }
  }

  clear(): void {
    this.byId.clear();
    this.order = [];
    this.head = 0;
    this.bytes = 0;
  }

  private evict(): void {
    while (this.byId.size > 1 && (this.byId.size > this.maxExchanges || this.bytes > this.maxBytes)) {
      const oldest = this.order[this.head];
      this.order[this.head++] = undefined;
      if (!oldest) continue; // forgotten already
      this.byId.delete(oldest.id);
      this.bytes -= capturedBytes(oldest);
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
