// Alert webhooks: each alert a rule with `webhook` raises is one JSON POST to
// its URL, kept in `webhooks.db` (0600) from the moment it is raised until the
// receiver answers 2xx, so a receiver that is down, or a restart, loses none.
// One POST at a time, oldest first; a failure waits (backoff per message, up
// to 5 minutes), a 4xx other than 408/429 fails the message for good. Apart
// from the Runscope outbox: a webhook that is down must not hold back
// forwarding, nor forwarding a webhook. Alerts are rate-limited per rule, so
// this stays small; it runs on the proxy's thread.
import { Db } from '../sqliteDb.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS webhooks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS webhooks_waiting ON webhooks(next_at) WHERE state = 'waiting';
`;

const TIMEOUT_MS = 10_000;
const BACKOFF_MAX_MS = 5 * 60_000;
/** Past this many attempts (about a day at the longest wait) a webhook is given up. */
const MAX_ATTEMPTS = 300;
/** Sent and failed ones kept for the record, newest. */
const KEPT = 200;

export const backoff = (attempts: number): number => Math.min(BACKOFF_MAX_MS, 1000 * 2 ** Math.min(attempts - 1, 20));

export interface WebhookQueueOptions {
  /** The file (null: in memory, when the data dir cannot hold it). */
  path: string | null;
  /** Refuses a URL (the proxy's own address: a loop); the reason, or null to send. */
  refuse?: (url: URL) => string | null;
  log?: (line: string) => void;
  onChange?: () => void;
}

export class WebhookQueue {
  private readonly db: Db;
  private timer: NodeJS.Timeout | null = null;
  private sending = false;
  private closed = false;
  private lastError: string | null = null;
  /** Waiting webhooks, counted here: status() is asked on every exchange. */
  private waiting: number;

  constructor(private readonly opts: WebhookQueueOptions) {
    this.db = new Db(opts.path);
    this.db.exec(SCHEMA);
    this.waiting = Number(this.db.get("SELECT COUNT(*) AS n FROM webhooks WHERE state = 'waiting'")?.n ?? 0);
    this.schedule(0);
  }

  /** Durable before it returns; sent in the background. */
  add(url: string, payload: unknown): void {
    const refused = this.opts.refuse?.(new URL(url)) ?? null;
    this.db.run('INSERT INTO webhooks (url, body, state, last_error) VALUES (?, ?, ?, ?)', [url, JSON.stringify(payload), refused ? 'failed' : 'waiting', refused]);
    if (refused) return this.note(`webhook ${url} refused: ${refused}`);
    this.waiting++;
    this.schedule(0);
  }

  /** Waiting webhooks, and the last failure while any wait; null when none waits. */
  status(): string | null {
    const { waiting } = this;
    if (waiting === 0) return null;
    return `${waiting} alert webhook${waiting === 1 ? '' : 's'} waiting${this.lastError ? `: ${this.lastError}` : ''}`;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.db.close();
  }

  private note(line: string): void {
    this.opts.log?.(line);
    this.opts.onChange?.();
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.sendDue(), ms);
    this.timer.unref();
  }

  private async sendDue(): Promise<void> {
    if (this.sending || this.closed) return;
    this.sending = true;
    try {
      for (;;) {
        const now = Date.now();
        const row = this.db.get("SELECT id, url, body, attempts FROM webhooks WHERE state = 'waiting' AND next_at <= ? ORDER BY id LIMIT 1", [now]);
        if (!row) break;
        await this.send(Number(row.id), String(row.url), String(row.body), Number(row.attempts) + 1);
        if (this.closed) return;
      }
      const next = this.db.get("SELECT MIN(next_at) AS at FROM webhooks WHERE state = 'waiting'")?.at;
      if (typeof next === 'number') this.schedule(Math.max(0, next - Date.now()));
    } finally {
      this.sending = false;
    }
  }

  private async send(id: number, url: string, body: string, attempts: number): Promise<void> {
    let error: string;
    let final = false;
    try {
      // Loaded on the first alert: a start need not pay for undici.
      const { request } = await import('undici');
      const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Proxyscope alert webhook' }, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) {
        if (this.closed) return;
        this.db.run("UPDATE webhooks SET state = 'sent', attempts = ?, last_error = NULL WHERE id = ?", [attempts, id]);
        this.waiting--;
        this.trim();
        if (this.lastError !== null) {
          this.lastError = null;
          this.opts.onChange?.();
        }
        return;
      }
      error = `HTTP ${res.statusCode}`;
      final = res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 408 && res.statusCode !== 429;
    } catch (err) {
      const e = err as Error & { cause?: Error; code?: string };
      error = e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS} ms` : `cannot reach it: ${e.cause?.message ?? e.code ?? e.message}`;
    }
    if (this.closed) return;
    final ||= attempts >= MAX_ATTEMPTS;
    this.db.run('UPDATE webhooks SET state = ?, attempts = ?, next_at = ?, last_error = ? WHERE id = ?', [final ? 'failed' : 'waiting', attempts, Date.now() + backoff(attempts), error, id]);
    if (final) this.waiting--;
    if (this.lastError !== `${url}: ${error}`) {
      this.lastError = `${url}: ${error}`;
      this.note(`alert webhook ${url} ${final ? 'failed' : 'will be retried'}: ${error}`);
    }
  }

  private trim(): void {
    this.db.run(`DELETE FROM webhooks WHERE state != 'waiting' AND id <= (SELECT id FROM webhooks WHERE state != 'waiting' ORDER BY id DESC LIMIT 1 OFFSET ${KEPT})`);
  }
}
