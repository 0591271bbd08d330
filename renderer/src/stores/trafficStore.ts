// What the traffic grid shows: a window of pages onto one query's result (see
// pageCache.ts) and its counts. State only: trafficPager.ts fills it.
import { create } from 'zustand';
import type { ExchangeSummary, FilterProblem, SortColumn } from '../../../electron/core/api';
import type { Counts } from './liveCount';
import type { Pages, Range } from './pageCache';
import { NO_SELECTION, type Selection } from './selection';

export interface TrafficQuery {
  session: number | 'current';
  /** Filter text that parsed: the grid keeps the last good one while the box holds an error. */
  filter: string;
  sort: SortColumn;
  order: 'asc' | 'desc';
}

export const DEFAULT_QUERY: TrafficQuery = { session: 'current', filter: '', sort: 'startedAt', order: 'asc' };

export interface TrafficState extends Selection {
  query: TrafficQuery;
  /** Bumped on each new query (not on a refresh of the same one): the grid goes back to the top. */
  generation: number;
  pages: Pages;
  /** null while the query's rows are being counted. */
  counts: Counts | null;
  /** Rows the grid makes room for: the count, or what the pages show until it arrives. */
  rowCount: number;
  range: Range;
  /** The selectedId row as last seen (its page may be gone). */
  selected: ExchangeSummary | null;
  /** The core refused the query's filter (the box's parse accepted it). */
  problem: FilterProblem | null;
}

export const initialTraffic = (): TrafficState => ({
  query: DEFAULT_QUERY,
  generation: 0,
  pages: new Map(),
  counts: null,
  rowCount: 0,
  range: { start: 0, end: 40 },
  ...NO_SELECTION,
  selected: null,
  problem: null,
});

export const useTraffic = create<TrafficState>()(() => initialTraffic());
