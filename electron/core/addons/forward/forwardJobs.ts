// Replays into a bucket (forwardExchanges): a job reads what a filter selects
// in a session a page at a time, and reads the next page only once the outbox
// has answered for this one, so a session of any size holds one page in memory.
// Each exchange goes as its forward copy (redacted as forwarding does) under a
// message id of its own: the exchange's id and the job's, so a session can be
// shared again (a receiver that drops repeated ids keeps each replay), while
// one message retried keeps its id.
import { randomBytes } from 'node:crypto';
import type { CommandArg, DeliverySummary, ForwardJob, ForwardRefused } from '../../api.js';
import type { Exchange } from '../../flow/exchange.js';
import { FORWARD_SKIP_META } from '../../flow/views.js';
import type { ForwardCopy } from '../../runscope/deliveryProtocol.js';
import type { EnqueueResult } from '../../runscope/outbox.js';
import { parseBucketKey, type RunscopeSettings } from '../../settings/schema.js';
import type { ReplayPage, ReplaySource } from '../../pipeline/replaySource.js';

export interface ForwardJobsOptions {
  settings(): RunscopeSettings;
  /** Null: no session store (--no-session-store), nothing to replay from. */
  source: ReplaySource | null;
  /** The exchange as forwarding sends it (redacted). */
  copy(ex: Exchange, logBody: boolean): ForwardCopy;
  /** Queues a copy in the outbox; `settled` hears whether it was committed. */
  enqueue(copy: ForwardCopy, settled: (result: EnqueueResult | Error) => void): void;
}

const PAGE = 100;
/** Finished jobs kept for forwardProgress. */
const KEEP_FINISHED = 20;

/** The message id (and unique_identifier) of an exchange replayed by a job. */
export const replayMessageId = (exchangeId: string, job: string) => `${exchangeId}.${job}`;

const refused = (field: ForwardRefused['field'], error: string): ForwardRefused => ({ ok: false, field, error });

export class ForwardJobs {
  private readonly jobs = new Map<string, ForwardJob>();

  constructor(private readonly opts: ForwardJobsOptions) {}

  /** Checks everything before anything is queued: settings, bucket, session, filter. */
  async start(q: CommandArg<'forwardExchanges'>): Promise<{ ok: true; job: ForwardJob } | ForwardRefused> {
    const settings = this.opts.settings();
    if (settings.access_token === '') return refused('settings', 'forwarding is not configured: access_token is required (Settings → Runscope, or --access-token)');
    let bucket: string | null = null;
    if (q.bucket !== undefined) {
      const key = parseBucketKey(q.bucket);
      if (!key.ok) return refused('bucket', key.error.startsWith('bucket') ? key.error : `bucket: ${key.error}`);
      bucket = key.bucket;
    } else if (settings.bucket === '') {
      return refused('settings', 'no bucket to send to: give a bucket, or set the default one (bucket in Settings → Runscope, or --bucket)');
    }
    if (!this.opts.source) return refused('session', 'replaying into a bucket reads the session store: start without --no-session-store');
    const first = await this.opts.source.replayPage({ session: q.session ?? 'current', filter: q.filter ?? '', after: 0, upTo: null, limit: PAGE });
    if (!first.ok) return refused(first.field, first.field === 'filter' ? `filter: ${first.error}` : first.error);
    const job: ForwardJob = { job: randomBytes(4).toString('hex'), bucket, matched: first.matched ?? 0, queued: 0, skipped: 0, sent: 0, failed: 0, reading: true, stopped: null, done: false };
    this.remember(job);
    void this.run(job, q.filter ?? '', first);
    return { ok: true, job: { ...job } };
  }

  progress(id: string): ForwardJob | null {
    const job = this.jobs.get(id);
    return job ? { ...job } : null;
  }

  /** Counts a replayed message's delivery in its job; false for a message no job of this run sent. */
  delivered(d: DeliverySummary): boolean {
    const job = this.jobOf(d.exchangeId);
    if (!job) return false;
    if (d.state === 'sent') job.sent++;
    else if (d.state === 'failed') job.failed++;
    this.settle(job);
    return true;
  }

  /** A failed replayed message was put back in the queue (Retry): it is counted again when it is delivered. */
  requeued(messageId: string): void {
    const job = this.jobOf(messageId);
    if (!job || job.failed === 0) return;
    job.failed--;
    this.settle(job);
  }

  private jobOf(messageId: string): ForwardJob | undefined {
    const dot = messageId.lastIndexOf('.');
    return dot < 0 ? undefined : this.jobs.get(messageId.slice(dot + 1));
  }

  private async run(job: ForwardJob, filter: string, first: Extract<ReplayPage, { ok: true }>): Promise<void> {
    const { session, upTo } = first;
    let page = first;
    let read = 0;
    try {
      for (;;) {
        read += page.exchanges.length;
        const stop = await this.queue(job, page.exchanges);
        if (stop) {
          job.stopped = `${stop}: queueing stopped with ${job.matched - read} of ${job.matched} not read`;
          break;
        }
        if (page.exchanges.length < PAGE) break;
        const next = await this.opts.source!.replayPage({ session, filter, after: page.last, upTo, limit: PAGE });
        if (!next.ok) throw new Error(next.error);
        page = next;
      }
      // Rows deleted or evicted meanwhile are not there to read.
      if (!job.stopped) job.matched = read;
    } catch (err) {
      job.stopped = `reading the session failed (${(err as Error).message}): queueing stopped`;
    }
    job.reading = false;
    this.settle(job);
  }

  /** Queues one page; resolves once the outbox answered for all of it, with why queueing must stop (null: go on). */
  private queue(job: ForwardJob, exchanges: readonly Exchange[]): Promise<string | null> {
    const { log_body } = this.opts.settings();
    return new Promise((resolve) => {
      let waiting = 0;
      let stop: string | null = null;
      const settled = (result: EnqueueResult | Error) => {
        if (result === 'queued') job.queued++;
        else stop ??= result === 'full' ? 'the outbox is full (--outbox-max-messages / --outbox-max-bytes of messages not yet sent)' : result.message;
        if (--waiting === 0) resolve(stop);
      };
      for (const ex of exchanges) {
        // As live forwarding: a tunnel carried no HTTP exchange, and a rule's skip holds for a replay too.
        if (ex.kind === 'tunnel' || ex.meta[FORWARD_SKIP_META] === true) {
          job.skipped++;
          continue;
        }
        const copy = this.opts.copy(ex, log_body);
        waiting++;
        // The chosen bucket, else the settings' one: a rule's bucket was for live traffic.
        this.opts.enqueue({ logBody: copy.logBody, exchange: { ...copy.exchange, id: replayMessageId(ex.id, job.job) }, ...(job.bucket ? { bucket: job.bucket } : {}) }, settled);
      }
      if (waiting === 0) resolve(null);
    });
  }

  private settle(job: ForwardJob): void {
    job.done = !job.reading && job.sent + job.failed >= job.queued;
  }

  private remember(job: ForwardJob): void {
    this.jobs.set(job.job, job);
    const finished = [...this.jobs.values()].filter((j) => j.done);
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(j.job);
  }
}
