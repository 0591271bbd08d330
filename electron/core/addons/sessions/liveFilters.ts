// The filters renderers view the traffic with, so each newly recorded exchange
// can be told to match or not without a query: the last few filter texts
// queried, compiled once, the oldest forgotten first.
import { exchangeTarget } from '../../filter/exchangeTarget.js';
import { compileFilter, parseFilter, type FilterPredicate } from '../../filter/index.js';
import type { Exchange } from '../../flow/exchange.js';

export class LiveFilters {
  private readonly filters = new Map<string, FilterPredicate>();

  constructor(private readonly max = 8) {}

  remember(text: string | undefined): void {
    if (!text || this.filters.has(text)) return;
    const parsed = parseFilter(text);
    if (!parsed.ok) return;
    if (this.filters.size >= this.max) this.filters.delete(this.filters.keys().next().value!);
    this.filters.set(text, compileFilter(parsed.filter));
  }

  /** Each remembered filter text, and whether it selects `ex`. */
  verdicts(ex: Exchange): Array<[text: string, matches: boolean]> {
    if (this.filters.size === 0) return [];
    const target = exchangeTarget(ex);
    return [...this.filters].map(([text, match]) => [text, match(target)]);
  }
}
