// Alert toasts: each alert the core sends stays a few seconds, or until
// dismissed. The clock stops while the user is in the toasts (pointer or
// focus), so one being read or reached by keyboard does not vanish.
import { create } from 'zustand';
import type { RuleAlert } from '../../../electron/core/api';

export const HIDE_MS = 8000;
/** After the user leaves the toasts, those still there stay at least this long. */
export const LINGER_MS = 3000;
/** Shown in full; the rest are counted. */
export const VISIBLE = 3;
/** Kept at most (the oldest go first); the core rate-limits alerts per rule, but rules are many. */
const KEPT = 200;

export interface Toast {
  id: number;
  alert: RuleAlert;
  expiresAt: number;
}

export interface AlertStore {
  toasts: Toast[];
  push(alerts: readonly RuleAlert[]): void;
  dismiss(id: number): void;
  dismissAll(): void;
  /** The user is in the toasts (true) or has left them (false). */
  hold(on: boolean): void;
}

let nextId = 1;
let held = false;
let timer: ReturnType<typeof setTimeout> | null = null;

export const useAlerts = create<AlertStore>()((set, get) => {
  /** One timer, for the toast that expires first. */
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const toasts = get().toasts;
    if (held || toasts.length === 0) return;
    const next = Math.min(...toasts.map((t) => t.expiresAt));
    timer = setTimeout(sweep, Math.max(0, next - Date.now()));
  };
  const sweep = () => {
    timer = null;
    if (held) return;
    const now = Date.now();
    set((s) => ({ toasts: s.toasts.filter((t) => t.expiresAt > now) }));
    schedule();
  };
  return {
    toasts: [],
    push(alerts) {
      if (alerts.length === 0) return;
      const expiresAt = Date.now() + HIDE_MS;
      const added = alerts.map((alert) => ({ id: nextId++, alert, expiresAt }));
      set((s) => ({ toasts: [...s.toasts, ...added].slice(-KEPT) }));
      schedule();
    },
    dismiss(id) {
      set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
      schedule();
    },
    dismissAll() {
      set({ toasts: [] });
      schedule();
    },
    hold(on) {
      held = on;
      if (!on) {
        const until = Date.now() + LINGER_MS;
        set((s) => ({ toasts: s.toasts.map((t) => (t.expiresAt < until ? { ...t, expiresAt: until } : t)) }));
      }
      schedule();
    },
  };
});
