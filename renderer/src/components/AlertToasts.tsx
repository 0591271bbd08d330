// Alert rules' toasts: the newest few in full, the rest as a count. One live
// region, so a screen reader hears each alert as it comes; the toasts stay
// while the pointer or the focus is in them.
import { useRef } from 'react';
import { useAlerts, VISIBLE, type Toast } from '../stores/alertStore';

function AlertToast({ toast }: { toast: Toast }) {
  const { rule, method, url, status, suppressed } = toast.alert;
  return (
    <div className="toast">
      <div className="toast-text">
        <div>
          <strong>{rule}</strong> · <span className={status !== null && status >= 400 ? 'bad' : undefined}>{status === null ? 'no response' : `status ${status}`}</span>
          {suppressed > 0 && <span className="muted"> · +{suppressed.toLocaleString('en')} more</span>}
        </div>
        <div className="mono">
          {method} {url}
        </div>
      </div>
      <button type="button" className="link" aria-label={`Dismiss alert ${rule}`} onClick={() => useAlerts.getState().dismiss(toast.id)}>
        Dismiss
      </button>
    </div>
  );
}

export function AlertToasts() {
  const toasts = useAlerts((s) => s.toasts);
  const inside = useRef({ pointer: false, focus: false });
  const track = (change: Partial<typeof inside.current>) => {
    inside.current = { ...inside.current, ...change };
    useAlerts.getState().hold(inside.current.pointer || inside.current.focus);
  };
  const shown = toasts.slice(-VISIBLE);
  const more = toasts.length - shown.length;
  return (
    <div
      className="toasts"
      role="status"
      aria-label="Alerts"
      onMouseEnter={() => track({ pointer: true })}
      onMouseLeave={() => track({ pointer: false })}
      onFocus={() => track({ focus: true })}
      onBlur={(e) => !e.currentTarget.contains(e.relatedTarget as Node | null) && track({ focus: false })}
    >
      {more > 0 && (
        <div className="toast more">
          <span>
            {more.toLocaleString('en')} more alert{more === 1 ? '' : 's'}
          </span>
          <button type="button" className="link" onClick={() => useAlerts.getState().dismissAll()}>
            Dismiss all
          </button>
        </div>
      )}
      {shown.map((t) => (
        <AlertToast key={t.id} toast={t} />
      ))}
    </div>
  );
}
