// Runscope forwarding: each recorded exchange's redacted copy goes to the
// delivery worker, which commits it to the outbox and sends it to the
// collector. The exchange is reported only once its copy is on disk.
// The worker starts when there is something for it to do: forwarding is
// configured, an outbox from an earlier run exists, or a replay or a delivery
// query asks for it. A user who never forwards runs no delivery thread.
import { existsSync } from 'node:fs';
import type { DeliverySummary, Status } from '../../api.js';
import type { Exchange } from '../../flow/exchange.js';
import { DELIVERY_META, FORWARD_SKIP_META } from '../../flow/views.js';
import type { Addon, AddonContext } from '../../pipeline/addon.js';
import { LoadGauge } from '../../proxy/loadGauge.js';
import { DeliveryChannel } from '../../runscope/deliveryChannel.js';
import { forwardingEnabled, forwardingNote, type RunscopeSettings } from '../../settings/schema.js';
import type { DeliveryStatus, ForwardCopy } from '../../runscope/deliveryProtocol.js';
import type { EnqueueResult } from '../../runscope/outbox.js';
import { forwardCopy, type Redaction } from './forwardCopy.js';
import type { ReplaySource } from '../../pipeline/replaySource.js';
import { ForwardJobs } from './forwardJobs.js';

export interface ForwardOptions {
  outboxPath: string;
  limits: { outboxMaxMessages: number; outboxMaxBytes: number };
  redactions?: readonly Redaction[];
  onDelivery?: (d: DeliverySummary) => void;
  /** Where replays into a bucket read stored exchanges; null without a session store. */
  replaySource?: ReplaySource | null;
}

/** A captured exchange's copy, or a replayed one's (whose result goes to its job). */
type Queued = { ex: Exchange; release: () => void } | { replayed: (result: EnqueueResult | Error) => void };

const NO_OUTBOX: DeliveryStatus = { depth: 0, lastError: null, pausedReason: null, lastWriteError: null, durabilityProblem: null };

export interface ForwardAddon extends Addon {
  /**
   * Forwards exchanges that are already durable and were never in the pipeline (what the collector received), as
   * `done` does for captured ones; nothing waits for their copies.
   */
  forwardRecorded(exchanges: readonly Exchange[]): void;
}

export function forwardAddon(opts: ForwardOptions): ForwardAddon {
  const redactions = opts.redactions ?? [];
  let ctx: AddonContext;
  let settings: RunscopeSettings;
  let channel: DeliveryChannel<Queued> | null = null;
  let opening: Promise<DeliveryChannel<Queued>> | null = null;
  let openFailure: string | null = null;
  let outboxFull: string | null = null;
  // Delivery holds back while user traffic keeps this thread busy (see LoadGauge).
  const load = new LoadGauge((busy) => channel?.setBusy(busy));

  const open = () =>
    (opening ??= DeliveryChannel.start<Queued>(
      { outboxPath: opts.outboxPath, limits: opts.limits, settings },
      { onQueued: queued, log: ctx.log, onStatusChange: () => ctx.events.statusChanged(), onDelivery: delivered },
    ).then(
      (c) => {
        channel = c;
        // Settings saved or load seen while the worker started.
        c.settingsChanged(settings);
        if (load.busy) c.setBusy(true);
        ctx.events.statusChanged();
        return c;
      },
      (err: Error) => {
        openFailure = `delivery worker failed to start: ${err.message}`;
        ctx.log(openFailure);
        ctx.events.statusChanged();
        throw new Error(openFailure);
      },
    ));
  const enqueue = (copy: ForwardCopy, tag: Queued) => {
    if (channel) return channel.enqueue(copy, tag);
    open().then((c) => c.enqueue(copy, tag), (err: Error) => queued(tag, err));
  };
  /** A delivery query; with no worker (not started, or it could not start) there is no outbox, so `none` answers it. */
  const ask = async <T>(query: (c: DeliveryChannel<Queued>) => Promise<T>, none: T): Promise<T> => {
    const c = await opening?.catch(() => null);
    return c ? query(c) : none;
  };

  const jobs = new ForwardJobs({
    settings: () => settings,
    source: opts.replaySource ?? null,
    copy: (ex, logBody) => forwardCopy(ex, logBody, redactions),
    enqueue: (copy, replayed) => enqueue(copy, { replayed }),
  });

  const full = () => `outbox full (${opts.limits.outboxMaxMessages} messages or ${opts.limits.outboxMaxBytes} bytes of undelivered messages): new messages are not queued`;
  const queued = (tag: Queued, result: 'queued' | 'full' | Error) => {
    if ('replayed' in tag) {
      outboxFull = result === 'full' ? full() : result === 'queued' ? null : outboxFull;
      return tag.replayed(result);
    }
    const { ex, release } = tag;
    if (result instanceof Error) {
      ctx.setMeta(ex.id, DELIVERY_META, null);
      // A worker that could not start was logged once by open, and is in the status.
      if (result.message !== openFailure) ctx.log(result.message);
    } else if (result === 'full') {
      ctx.setMeta(ex.id, DELIVERY_META, null);
      outboxFull = full();
      ctx.log(outboxFull);
    } else {
      outboxFull = null;
    }
    release();
  };

  // A message can be sent before its exchange is reported (another addon may
  // still be making it durable): its deliveries wait, so nobody hears of a
  // delivery before the exchange itself.
  const unreported = new Map<string, DeliverySummary[]>();
  const delivered = (d: DeliverySummary) => {
    // A replayed message has no exchange of its own to mark.
    if (jobs.delivered(d)) return announce(d);
    const waiting = unreported.get(d.exchangeId);
    if (waiting) waiting.push(d);
    else report(d);
  };
  const report = (d: DeliverySummary) => {
    ctx.setMeta(d.exchangeId, DELIVERY_META, d.state);
    announce(d);
  };
  const announce = (d: DeliverySummary) => {
    ctx.events.delivery(d);
    ctx.events.statusChanged();
    opts.onDelivery?.(d);
  };

  return {
    name: 'forward',
    async start(c) {
      ctx = c;
      settings = c.settings();
      load.start();
      if (forwardingEnabled(settings) || existsSync(opts.outboxPath)) await open();
    },
    configure(next) {
      if (next === settings) return;
      settings = next;
      if (channel) channel.settingsChanged(next);
      else if (forwardingEnabled(next)) open().catch(() => {});
    },
    requestHeaders: () => load.exchangeStarted(),
    done(ex, wait) {
      // A rule's skip: stored and reported as any exchange, with no message and no delivery state. A tunnel
      // carried no HTTP exchange the proxy read: there is nothing to send.
      if (ex.kind === 'tunnel' || !forwardingEnabled(settings) || ex.meta[FORWARD_SKIP_META] === true) return;
      ex.meta[DELIVERY_META] = 'queued';
      unreported.set(ex.id, []);
      enqueue(forwardCopy(ex, settings.log_body, redactions), { ex, release: wait() });
    },
    forwardRecorded(exchanges) {
      if (!forwardingEnabled(settings)) return;
      for (const ex of exchanges) {
        ctx.setMeta(ex.id, DELIVERY_META, 'queued');
        enqueue(forwardCopy(ex, settings.log_body, redactions), { ex, release: () => {} });
      }
    },
    recorded(ex) {
      const waiting = unreported.get(ex.id);
      if (!waiting) return;
      unreported.delete(ex.id);
      waiting.forEach(report);
    },
    status(): Partial<Status> {
      const d = channel?.status ?? NO_OUTBOX;
      const failure = channel?.failure ?? openFailure;
      const problems = [forwardingNote(settings), failure, d.pausedReason, d.lastWriteError, outboxFull, d.durabilityProblem];
      return {
        forwarding: forwardingEnabled(settings) && d.pausedReason === null && failure === null,
        forwardingNote: problems.find((p) => p) ?? null,
        outboxDepth: d.depth,
        lastDeliveryError: d.lastError,
      };
    },
    commands: {
      forwardExchanges: (q) => jobs.start(q),
      forwardProgress: ({ job }) => jobs.progress(job),
      getDelivery: ({ exchangeId }) => ask((c) => c.query('get', { exchangeId }), null),
      listDeliveries: ({ limit, state }) => ask((c) => c.query('list', { limit: limit ?? 1000, ...(state ? { state } : {}) }), []),
      retryDelivery: async ({ exchangeId }) => {
        const summary = await ask((c) => c.query('requeue', { exchangeId }), null);
        if (!summary) return { ok: false, error: 'only a failed message can be retried' };
        jobs.requeued(exchangeId);
        ctx.setMeta(exchangeId, DELIVERY_META, summary.state);
        ctx.events.delivery(summary);
        return { ok: true };
      },
    },
    async stop() {
      load.stop();
      const c = await opening?.catch(() => null);
      await c?.stop();
    },
  };
}
