// Delivery state per exchange (what was sent to Runscope and how it went).
import { create } from 'zustand';
import type { DeliverySummary } from '../../../electron/core/api';

export interface DeliveryState {
  byExchange: Map<string, DeliverySummary>;
  load(list: DeliverySummary[]): void;
  apply(records: DeliverySummary[]): void;
}

export const useDeliveries = create<DeliveryState>()((set, get) => ({
  byExchange: new Map(),
  load(list) {
    set({ byExchange: new Map(list.map((d) => [d.exchangeId, d])) });
  },
  apply(records) {
    if (records.length === 0) return;
    const byExchange = new Map(get().byExchange);
    for (const r of records) byExchange.set(r.exchangeId, r);
    set({ byExchange });
  },
}));
