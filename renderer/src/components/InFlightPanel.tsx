// Streams and WebSockets still open, above the grid (which lists exchanges
// once recorded): each with what it has carried so far, and Open to follow it
// in the detail view as it grows.
import { traffic } from '../core';
import { useInFlight } from '../stores/inFlightStore';
import { formatBytes } from './format';

export function InFlightPanel() {
  const rows = useInFlight((s) => s.rows);
  if (rows.length === 0) return null;
  return (
    <section className="in-flight" aria-label="Open streams">
      <table className="paused-list" aria-label="Open">
        <caption>
          {rows.length} open: recorded when {rows.length === 1 ? 'it ends' : 'they end'}
        </caption>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <span className="badge">{r.kind === 'websocket' ? 'WebSocket' : 'Streaming'}</span>
              </td>
              <td>{r.method}</td>
              <td className="url">{r.url}</td>
              <td>{r.status}</td>
              <td className="muted">{r.kind === 'websocket' ? `${r.messages ?? 0} messages` : formatBytes(r.responseBytes)}</td>
              <td>
                <button type="button" aria-label={`Open ${r.method} ${r.url}`} onClick={() => traffic().select(r.id)}>
                  Open
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
