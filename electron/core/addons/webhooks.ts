// The alert webhooks' queue as an addon: its status note, and closed with the
// app. A webhook to the proxy's own address is refused (it would loop).
import { closeSync, openSync } from 'node:fs';
import type { Status } from '../api.js';
import { WebhookQueue } from '../alerts/webhookQueue.js';
import type { Addon, AddonContext } from '../pipeline/addon.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1', '0.0.0.0']);

export interface WebhooksAddon extends Addon {
  add(url: string, payload: unknown): void;
}

/** `ownPorts`: the proxy's ports (itself, and the browser's way in) once it listens. */
export function webhooksAddon(opts: { path: string; ownPorts: () => number[] }): WebhooksAddon {
  let ctx: AddonContext;
  let queue: WebhookQueue | null = null;
  return {
    name: 'webhooks',
    start(c) {
      ctx = c;
      let path: string | null = opts.path;
      try {
        closeSync(openSync(path, 'a', 0o600));
      } catch (err) {
        c.log(`alert webhooks are kept in memory only: ${opts.path} cannot be written (${(err as Error).message})`);
        path = null;
      }
      queue = new WebhookQueue({
        path,
        refuse: (url) => (LOOPBACK.has(url.hostname) && opts.ownPorts().includes(Number(url.port || (url.protocol === 'https:' ? 443 : 80))) ? "it is the proxy's own address (the POST would loop)" : null),
        log: c.log,
        onChange: () => c.events.statusChanged(),
      });
    },
    add(url, payload) {
      if (!queue) return ctx?.log(`alert webhook ${url} not sent: the app is not started`);
      queue.add(url, payload);
    },
    status: (): Partial<Status> => ({ webhookNote: queue?.status() ?? null }),
    stop() {
      queue?.close();
      queue = null;
    },
  };
}
