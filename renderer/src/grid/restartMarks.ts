// Restart markers: in a grid sorted by start time, the first exchange after
// Proxyscope restarted into the session gets a divider. Which row that is
// depends on the order: below the boundary when oldest first, above it when
// newest first.
import type { ExchangeSummary } from '../../../electron/core/api';

/** The restart time between two exchanges (by start), if any. */
export function restartBetween(earlier: ExchangeSummary | undefined, later: ExchangeSummary | undefined, restarts: readonly number[]): number | null {
  if (!earlier || !later) return null;
  return restarts.find((t) => earlier.startedAt < t && t <= later.startedAt) ?? null;
}

/**
 * For the row at `index`: the restart it is the first exchange after, given
 * its neighbours (`rowAt`), or null.
 */
export function restartMark(rowAt: (i: number) => ExchangeSummary | undefined, index: number, order: 'asc' | 'desc', restarts: readonly number[]): number | null {
  if (restarts.length === 0) return null;
  const older = rowAt(order === 'asc' ? index - 1 : index + 1);
  return restartBetween(older, rowAt(index), restarts);
}
