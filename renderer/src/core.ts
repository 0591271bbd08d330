// The one connection to the core, chosen at start-up, plus wiring of its events into the stores.
import { useDeliveries } from './stores/deliveryStore';
import { createEventPump } from './stores/eventPump';
import { useStatus } from './stores/statusStore';
import { useTraffic } from './stores/trafficStore';
import { useSettings } from './stores/settingsStore';
import type { Transport } from './transport';

let current: Transport | null = null;

export function core(): Transport {
  if (!current) throw new Error('core transport not started');
  return current;
}

export async function connect(transport: Transport): Promise<void> {
  current = transport;
  const pump = createEventPump({
    exchanges: (added, updated) => useTraffic.getState().apply(added, updated),
    deliveries: (records) => useDeliveries.getState().apply(records),
    status: (status) => useStatus.getState().setStatus(status),
    cleared: () => useTraffic.getState().clear(),
  });
  transport.onEvents(pump);
  transport.onConnection((connected) => {
    useStatus.getState().setConnected(connected);
    if (connected) void loadAll(transport);
  });
}

async function loadAll(t: Transport): Promise<void> {
  const [status, settings, rows, deliveries] = await Promise.all([
    t.invoke('getStatus'),
    t.invoke('getSettings'),
    t.invoke('listExchanges', {}),
    t.invoke('listDeliveries', { limit: 10_000 }),
  ]);
  useStatus.getState().setStatus(status);
  useSettings.getState().setSaved(settings);
  useTraffic.getState().load(rows);
  useDeliveries.getState().load(deliveries);
}
