// "Send to Runscope…": replays a session, or what the filter selects in it,
// into a bucket (the settings' one, or the one typed here) through the core's
// outbox, and shows the job's counts until every queued message was sent or
// failed. The core checks the settings, bucket and filter before queueing any.
import { useEffect, useState } from 'react';
import type { ExchangeQuery, ForwardJob } from '../../../electron/core/api';
import { core } from '../core';

/** How often the job's counts are asked for while it runs. */
const POLL_MS = 500;

export function progressText(j: ForwardJob): string {
  const where = j.bucket === null ? 'the default bucket' : `bucket ${j.bucket}`;
  const skipped = j.skipped ? `, ${j.skipped.toLocaleString('en')} skipped` : '';
  const counts = `${j.queued.toLocaleString('en')} queued / ${j.sent.toLocaleString('en')} sent / ${j.failed.toLocaleString('en')} failed of ${j.matched.toLocaleString('en')}${skipped}`;
  return `${j.done ? 'Sent to' : 'Sending to'} ${where}: ${counts}${j.stopped ? ` (${j.stopped})` : ''}`;
}

export function SendToRunscope({ session, filter, label }: { session: NonNullable<ExchangeQuery['session']>; filter: string; label: string }) {
  const [open, setOpen] = useState(false);
  const [bucket, setBucket] = useState('');
  const [job, setJob] = useState<ForwardJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const running = job !== null && !job.done;

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      void core()
        .invoke('forwardProgress', { job: job.job })
        .then((p) => (p ? setJob(p) : setError('the core no longer knows this job')));
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [running, job?.job]);

  const send = async () => {
    setError(null);
    const r = await core().invoke('forwardExchanges', { session, filter, ...(bucket.trim() ? { bucket: bucket.trim() } : {}) });
    if (!r.ok) return setError(r.error);
    setJob(r.job);
    setOpen(false);
  };

  return (
    <span className="send-runscope">
      <button type="button" title={`Send ${label} to Runscope`} disabled={running} onClick={() => setOpen(!open)}>
        Send to Runscope…
      </button>
      {open && (
        <form
          className="send-form"
          aria-label={`Send ${label} to Runscope`}
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <input aria-label="Bucket" placeholder="bucket (default: the settings' one)" value={bucket} maxLength={200} onChange={(e) => setBucket(e.target.value)} />
          <button type="submit">Send</button>
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <span role="alert" className="bad">
          Not sent: {error}
        </span>
      )}
      {job && (
        <span role="status" aria-label="Send to Runscope progress" className={job.failed || job.stopped ? 'warn' : job.done ? 'good' : 'muted'}>
          {progressText(job)} <progress value={job.sent + job.failed} max={Math.max(job.matched - job.skipped, 1)} />
        </span>
      )}
    </span>
  );
}
