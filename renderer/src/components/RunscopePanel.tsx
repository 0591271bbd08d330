// What was (or will be) sent to Runscope for one exchange, and how it went.
import { useEffect, useState } from 'react';
import type { DeliveryRecord } from '../../../electron/core/api';
import { core } from '../core';
import { bucketShown, useDeliveries } from '../stores/deliveryStore';
import { useSettings } from '../stores/settingsStore';

export function RunscopePanel({ exchangeId }: { exchangeId: string }) {
  const summary = useDeliveries((s) => s.byExchange.get(exchangeId));
  const settingsBucket = useSettings((s) => s.saved?.bucket ?? null);
  const [record, setRecord] = useState<DeliveryRecord | null | undefined>(undefined);
  const [retryError, setRetryError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void core()
      .invoke('getDelivery', { exchangeId })
      .then((r) => live && setRecord(r));
    return () => {
      live = false;
    };
  }, [exchangeId, summary?.state, summary?.attempts]);

  if (record === undefined) return null;
  if (record === null) {
    return (
      <section className="runscope" aria-label="Sent to Runscope">
        <h3>Sent to Runscope</h3>
        <p className="muted">Not forwarded (forwarding was off when this exchange finished).</p>
      </section>
    );
  }
  const retry = async () => {
    const r = await core().invoke('retryDelivery', { exchangeId });
    setRetryError(r.ok ? null : (r.error ?? 'retry refused'));
  };
  return (
    <section className="runscope" aria-label="Sent to Runscope">
      <h3>Sent to Runscope</h3>
      <dl className="delivery">
        <dt>State</dt>
        <dd data-testid="delivery-state" className={`d-${record.state}`}>{record.state}</dd>
        <dt>Bucket</dt>
        <dd data-testid="delivery-bucket">{bucketShown(record, settingsBucket)}</dd>
        <dt>Attempts</dt>
        <dd>{record.attempts}</dd>
        <dt>HTTP status</dt>
        <dd>{record.httpStatus ?? '-'}</dd>
        <dt>Runscope uuid</dt>
        <dd>{record.runscopeUuid ?? '-'}</dd>
        <dt>Last error</dt>
        <dd>{record.lastError ?? '-'}</dd>
      </dl>
      {record.state === 'failed' && <button onClick={() => void retry()}>Retry</button>}
      {retryError && <p className="bad">{retryError}</p>}
      <pre className="message" aria-label="Runscope message" tabIndex={0}>{JSON.stringify(JSON.parse(record.message), null, 2)}</pre>
    </section>
  );
}
