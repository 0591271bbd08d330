// Exchanges a breakpoint rule holds now, above the traffic grid: the grid shows
// exchanges once recorded, and a paused one is not yet. Each row is marked
// paused, with its phase; the editor below shows the selected one (the oldest
// by default).
import { shownPaused, usePaused } from '../stores/pausedStore';
import { PausedEditor } from './PausedEditor';

export function PausedPanel() {
  const list = usePaused((s) => s.list);
  const shown = usePaused(shownPaused);
  const lastEnded = usePaused((s) => s.lastEnded);
  const ended = lastEnded && (
    <p role="status" aria-label="Last paused" className="muted">
      Last paused: {lastEnded}
    </p>
  );
  if (list.length === 0) return ended || null;
  return (
    <section className="paused" aria-label="Breakpoints">
      <div className="banner" role="note">
        <strong>
          {list.length} paused
        </strong>{' '}
        by breakpoint rules: each waits for you; other traffic goes on.
      </div>
      <table className="paused-list" aria-label="Paused">
        <tbody>
          {list.map((p) => (
            <tr key={`${p.id}-${p.phase}`} aria-selected={p === shown} className={p === shown ? 'selected' : ''}>
              <td>
                <span className="badge">Paused</span>
              </td>
              <td>{p.phase}</td>
              <td>{p.request.method}</td>
              <td className="url">{p.request.url}</td>
              <td className="muted">{p.rule}</td>
              <td>
                <button type="button" aria-label={`Edit ${p.request.method} ${p.request.url}`} onClick={() => usePaused.getState().select(p.id)}>
                  Edit
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown && <PausedEditor key={`${shown.id}-${shown.phase}`} paused={shown} />}
      {ended}
    </section>
  );
}
