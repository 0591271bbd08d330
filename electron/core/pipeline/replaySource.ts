// Where a replay into a bucket (the forward addon) reads stored exchanges: the
// session store answers it (sessionQueries.ts replayPage), a page at a time.
import type { Exchange } from '../flow/exchange.js';

export interface ReplayPageQuery {
  session: number | 'current' | 'all';
  filter: string;
  /** The last seq of the previous page (0 for the first). */
  after: number;
  /** The first page's `upTo`; null on the first page. */
  upTo: number | null;
  limit: number;
}

/** `matched` on the first page only. Refused naming the field: a filter that does not parse, a session that does not exist. */
export type ReplayPage<E = Exchange> =
  | { ok: true; session: number | 'all'; upTo: number; matched: number | null; exchanges: E[]; last: number }
  | { ok: false; field: 'filter' | 'session'; error: string };

export interface ReplaySource {
  replayPage(q: ReplayPageQuery): Promise<ReplayPage>;
}
