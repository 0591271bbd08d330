// `proxyscope forward [FILTER]`: what a filter selects in a session, replayed
// into a Runscope bucket by the Proxyscope running on the data dir (its
// forwardExchanges job, through its outbox and delivery worker), followed
// until every queued message was sent or failed. With no instance running it
// refuses: the outbox and the worker that drains it belong to the instance,
// and messages still waiting when the command ends must go on being sent.
import type { ForwardJob } from '../core/api.js';
import { UsageError } from './cliOptions.js';
import { failure, runningInstance, type Caller } from './storeClient.js';
import { parseForwardCli } from './storeOptions.js';

const POLL_MS = 200;

const counts = (j: ForwardJob) => ({ job: j.job, bucket: j.bucket, matched: j.matched, queued: j.queued, skipped: j.skipped, sent: j.sent, failed: j.failed, reading: j.reading, stopped: j.stopped, done: j.done });
const line = (j: ForwardJob) =>
  `proxyscope: forward: ${j.queued} of ${j.matched} queued${j.skipped ? ` (${j.skipped} skipped)` : ''}, ${j.sent} sent, ${j.failed} failed${j.reading ? '' : j.done ? '' : ', delivering'}\n`;

/** Polls the job until it is done, printing each change. */
async function follow(call: Caller, first: ForwardJob, json: boolean): Promise<ForwardJob> {
  let last = '';
  for (let job: ForwardJob | null = first; ; ) {
    if (!job) throw new Error('the instance no longer knows this job (did it restart?); its queued messages stay in its outbox');
    const shown = JSON.stringify(counts(job));
    if (shown !== last) {
      last = shown;
      if (json) process.stdout.write(`${JSON.stringify({ event: 'progress', ...counts(job) })}\n`);
      else process.stderr.write(line(job));
    }
    if (job.done) return job;
    await new Promise((r) => setTimeout(r, POLL_MS));
    job = await call('forwardProgress', { job: job.job });
  }
}

export async function forwardCommand(argv: string[]): Promise<number> {
  try {
    const opts = parseForwardCli(argv);
    const instance = runningInstance(opts.dataDir);
    if (!instance) {
      throw new Error(`no Proxyscope runs on ${opts.dataDir}: start Proxyscope on this data dir first (its outbox sends the messages), then run forward again`);
    }
    const started = await instance.call('forwardExchanges', { session: opts.session, filter: opts.filter, ...(opts.bucket !== undefined ? { bucket: opts.bucket } : {}) });
    if (!started.ok) {
      if (started.field === 'settings') throw new Error(started.error);
      throw new UsageError(`${started.field === 'session' ? '--session: ' : started.field === 'bucket' ? '--bucket: ' : ''}${started.error}; nothing was queued`);
    }
    const job = await follow(instance.call, started.job, opts.json);
    const where = job.bucket === null ? "the settings' bucket" : `bucket ${job.bucket}`;
    if (opts.json) process.stdout.write(`${JSON.stringify({ event: 'forwarded', ...counts(job) })}\n`);
    else process.stdout.write(`Forwarded ${job.sent} of ${job.matched} exchange${job.matched === 1 ? '' : 's'} to ${where}${job.failed ? `; ${job.failed} failed (see the Deliveries view)` : ''}${job.skipped ? `; ${job.skipped} skipped (tunnels, or marked not to forward by a rule)` : ''}\n`);
    if (job.stopped) process.stderr.write(`proxyscope: forward: ${job.stopped}\n`);
    return job.failed === 0 && job.stopped === null ? 0 : 1;
  } catch (err) {
    return failure(err);
  }
}
