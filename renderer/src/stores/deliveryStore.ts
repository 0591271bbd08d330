// Delivery state per exchange (what was sent to Runscope and how it went).
// The map is updated in place and `version` bumped once per batch: copying a
// map of every delivery on every frame would take the whole frame's budget.
import { create } from 'zustand';
import type { DeliverySummary } from '../../../electron/core/api';

export interface DeliveryStore {
  byExchange: Map<string, DeliverySummary>;
  /** Changes on every applied batch; select it to re-render on any delivery change. */
  version: number;
  load(list: DeliverySummary[]): void;
  apply(records: DeliverySummary[]): void;
}

export const useDeliveries = create<DeliveryStore>()((set, get) => ({
  byExchange: new Map(),
  version: 0,
  load(list) {
    set({ byExchange: new Map(list.map((d) => [d.exchangeId, d])), version: get().version + 1 });
  },
  apply(records) {
    if (records.length === 0) return;
    const { byExchange, version } = get();
    for (const r of records) byExchange.set(r.exchangeId, r);
    set({ version: version + 1 });
  },
}));

/**
 * The `limit` newest deliveries, newest first, in one pass: sorting all of
 * them on every frame would take longer than a frame. `kept` (oldest first) may hold up to twice
 * `limit` so that the common case, records arriving in creation order, is a
 * push with an occasional trim instead of a shift per record.
 */
export function newestDeliveries(all: Iterable<DeliverySummary>, limit: number): DeliverySummary[] {
  if (limit <= 0) return [];
  let kept: DeliverySummary[] = [];
  for (const d of all) {
    if (kept.length >= limit && d.createdAt <= kept[kept.length - limit]!.createdAt) continue;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid]!.createdAt <= d.createdAt) lo = mid + 1;
      else hi = mid;
    }
    if (lo === kept.length) kept.push(d);
    else kept.splice(lo, 0, d);
    if (kept.length >= 2 * limit) kept = kept.slice(kept.length - limit);
  }
  return kept.slice(-limit).reverse();
}

/**
 * The bucket to show for a message: where it went once settled; while it waits,
 * where it goes next, which for one without its own bucket is whatever the
 * settings' bucket is by then (`settingsBucket`, null when not known).
 */
export function bucketShown(d: Pick<DeliverySummary, 'state' | 'bucket' | 'postedTo'>, settingsBucket: string | null): string {
  if ((d.state === 'sent' || d.state === 'failed') && d.postedTo !== null) return d.postedTo;
  if (d.bucket !== null) return d.bucket;
  return settingsBucket ? `${settingsBucket} (settings)` : 'the settings bucket';
}
