import { useMemo } from 'react';
import { core, traffic } from '../core';
import { bucketShown, newestDeliveries, useDeliveries } from '../stores/deliveryStore';
import { useSettings } from '../stores/settingsStore';

const SHOWN = 500;

export function DeliveriesView() {
  const byExchange = useDeliveries((s) => s.byExchange);
  const version = useDeliveries((s) => s.version);
  const settingsBucket = useSettings((s) => s.saved?.bucket ?? null);
  // byExchange changes in place; version says when it did.
  const list = useMemo(() => newestDeliveries(byExchange.values(), SHOWN), [byExchange, version]);
  return (
    <section aria-label="Sent to Runscope list">
      <p className="muted">The newest {SHOWN} messages; select an exchange in Traffic to see the exact JSON.</p>
      <table className="deliveries" aria-label="Deliveries">
        <thead>
          <tr>
            <th>Exchange</th>
            <th>State</th>
            <th>Bucket</th>
            <th>Attempts</th>
            <th>HTTP status</th>
            <th>Runscope uuid</th>
            <th>Last error</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((d) => {
            // Exchanges seen lately (in the grid or live) are named; older ones by id.
            const row = traffic().summary(d.exchangeId);
            return (
              <tr key={d.exchangeId}>
                <td>{row ? `${row.method} ${row.url}` : d.exchangeId}</td>
                <td className={`d-${d.state}`}>{d.state}</td>
                <td>{bucketShown(d, settingsBucket)}</td>
                <td>{d.attempts}</td>
                <td>{d.httpStatus ?? '-'}</td>
                <td>{d.runscopeUuid ?? '-'}</td>
                <td>{d.lastError ?? '-'}</td>
                <td>{d.state === 'failed' && <button onClick={() => void core().invoke('retryDelivery', { exchangeId: d.exchangeId })}>Retry</button>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
