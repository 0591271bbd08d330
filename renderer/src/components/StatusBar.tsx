import { useStatus } from '../stores/statusStore';

export function StatusBar() {
  const status = useStatus((s) => s.status);
  const connected = useStatus((s) => s.connected);
  if (!connected || !status) {
    return (
      <footer className="statusbar" role="status" aria-label="Status">
        <span className="bad">Not connected to the Proxyscope core</span>
      </footer>
    );
  }
  return (
    <footer className="statusbar" role="status" aria-label="Status">
      <span>
        Proxy <code>{status.proxy}</code>
      </span>
      {status.proxyNote && <span className="warn">{status.proxyNote}</span>}
      <span>CA {status.caExported ? 'exported' : 'not exported yet'}</span>
      <span className={status.forwarding ? 'good' : 'warn'}>Forwarding {status.forwarding ? 'on' : 'off'}</span>
      {status.forwardingNote && <span className="warn">{status.forwardingNote}</span>}
      <span>Outbox {status.outboxDepth}</span>
      {status.lastDeliveryError && <span className="bad">Last delivery error: {status.lastDeliveryError}</span>}
      {status.storeNote && <span className="bad">Session store: {status.storeNote}</span>}
      {status.evictionNote && <span className="warn">{status.evictionNote}</span>}
      {status.webhookNote && <span className="warn">{status.webhookNote}</span>}
      {status.bodiesUnindexed >= 1000 && <span>Indexing bodies for search: {status.bodiesUnindexed.toLocaleString()} to go</span>}
    </footer>
  );
}
