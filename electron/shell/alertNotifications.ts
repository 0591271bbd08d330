// Alert rules with `notify` (the UI's toasts) also raise a desktop
// notification from the app, for when its window is not in front.
import type { CoreEvent, RuleAlert } from '../core/api.js';

export function notificationOf(a: RuleAlert): { title: string; body: string } {
  const outcome = a.status === null ? 'failed' : String(a.status);
  const more = a.suppressed > 0 ? ` (and ${a.suppressed} more since the last alert)` : '';
  return { title: `Proxyscope: ${a.rule}`, body: `${a.method} ${a.url} → ${outcome}${more}` };
}

/** Calls `show` for each alert in the core's events; returns the listener to subscribe. */
export function alertNotifier(show: (n: { title: string; body: string }) => void): (batch: CoreEvent[]) => void {
  return (batch) => {
    for (const e of batch) if (e.type === 'alerts') for (const a of e.alerts) show(notificationOf(a));
  };
}
