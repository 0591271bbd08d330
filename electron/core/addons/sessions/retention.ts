// Retention of the session store: past the bound on exchanges or bytes, the
// oldest exchanges go, across sessions, a little more than needed at a time so
// the next batches fit without a DELETE each.
import type { Db } from '../../sqliteDb.js';

export interface Retention {
  maxExchanges: number;
  maxBytes: number;
}

export interface Eviction {
  exchanges: number;
  bytes: number;
}

/** When retention must make room, this share of the bound goes beyond need. */
const EVICT_AHEAD = 0.01;

/**
 * The seq up to which the oldest rows cover what `totals` is over the bound
 * (by count and by bytes, EVICT_AHEAD more), read in chunks; null within the
 * bound. `andWhere` leaves rows out (` AND session NOT IN (…)`).
 */
export function evictionPoint(db: Db, totals: Eviction, { maxExchanges, maxBytes }: Retention, andWhere: string): number | null {
  if (totals.exchanges <= maxExchanges && totals.bytes <= maxBytes) return null;
  const overCount = totals.exchanges - maxExchanges;
  const overBytes = totals.bytes - maxBytes;
  const needCount = overCount > 0 ? overCount + Math.ceil(maxExchanges * EVICT_AHEAD) : 0;
  const needBytes = overBytes > 0 ? overBytes + Math.ceil(maxBytes * EVICT_AHEAD) : 0;
  let upTo: number | null = null;
  let n = 0;
  let b = 0;
  while (n < needCount || b < needBytes) {
    const rows = db.all(`SELECT seq, bytes FROM exchanges WHERE seq > ?${andWhere} ORDER BY seq LIMIT 5000`, [upTo ?? 0]) as Array<{ seq: number; bytes: number }>;
    if (rows.length === 0) break;
    for (const r of rows) {
      n++;
      b += r.bytes;
      upTo = r.seq;
      if (n >= needCount && b >= needBytes) break;
    }
  }
  return upTo;
}
