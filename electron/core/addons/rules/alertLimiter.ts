// At most N alerts a second per rule: past that, matches are counted and the
// next alert that goes out says how many were held back.
export class AlertLimiter {
  private readonly windows = new Map<string, { start: number; sent: number; suppressed: number }>();

  /** null: over the rule's rate (counted); else how many were suppressed since its last alert. */
  take(rule: string, perSecond: number, now = Date.now()): number | null {
    let w = this.windows.get(rule);
    if (!w) this.windows.set(rule, (w = { start: now, sent: 0, suppressed: 0 }));
    if (now - w.start >= 1000) {
      w.start = now;
      w.sent = 0;
    }
    if (w.sent >= perSecond) {
      w.suppressed++;
      return null;
    }
    w.sent++;
    const suppressed = w.suppressed;
    w.suppressed = 0;
    return suppressed;
  }

  /** Matches suppressed and not yet reported in an alert, by rule. */
  pending(): Record<string, number> {
    return Object.fromEntries([...this.windows].filter(([, w]) => w.suppressed > 0).map(([r, w]) => [r, w.suppressed]));
  }

  forget(keep: ReadonlySet<string>): void {
    for (const rule of this.windows.keys()) if (!keep.has(rule)) this.windows.delete(rule);
  }
}
