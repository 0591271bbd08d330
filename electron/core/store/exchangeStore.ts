// Captured exchanges in memory, bounded by count and body bytes; oldest evicted first.
import type { Exchange } from './exchange.js';
import { capturedBytes } from './exchange.js';

export class ExchangeStore {
  private readonly byId = new Map<string, Exchange>(); // insertion order = age
  private bytes = 0;

  constructor(private readonly maxExchanges: number, private readonly maxBytes: number) {}

  add(ex: Exchange): void {
    this.byId.set(ex.id, ex);
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
    const all = [...this.byId.values()];
    return all.length <= limit ? all : all.slice(all.length - limit);
  }

  clear(): void {
    this.byId.clear();
    this.bytes = 0;
  }

  private evict(): void {
    while (this.byId.size > 1 && (this.byId.size > this.maxExchanges || this.bytes > this.maxBytes)) {
      const oldest = this.byId.values().next().value!;
      this.byId.delete(oldest.id);
      this.bytes -= capturedBytes(oldest);
    }
  }
}
