// `proxyscope query`: the stored exchanges a filter selects, oldest first, as a
// table (or NDJSON with --json), then how many matched.
import { performance } from 'node:perf_hooks';
import type { ExchangeSummary } from '../core/api.js';
import { formatFilterError } from '../core/filter/index.js';
import { UsageError } from './cliOptions.js';
import { failure, PAGE, withStore, type StoreClient } from './storeClient.js';
import { parseQueryCli, type QueryOptions } from './storeOptions.js';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local time to the millisecond: what a user compares with their own logs. */
export function localTime(ms: number): string {
  const d = new Date(ms);
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  return `${date} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function duration(ms: number | null): string {
  if (ms === null) return '-';
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let n = bytes;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${n.toFixed(1)} ${units[unit]}`;
}

function status(s: ExchangeSummary): string {
  if (s.status !== null) return String(s.status);
  return s.state === 'pending' ? '...' : 'ERR';
}

const HEADER = `${'STARTED AT'.padEnd(23)}  ${'METHOD'.padEnd(7)}  STATUS  ${'DURATION'.padStart(9)}  ${'SIZE'.padStart(9)}  URL`;

export function tableRow(s: ExchangeSummary): string {
  const url = s.error ? `${s.url}  (${s.error})` : s.url;
  return `${localTime(s.startedAt)}  ${s.method.padEnd(7)}  ${status(s).padStart(6)}  ${duration(s.durationMs).padStart(9)}  ${size(s.responseBytes).padStart(9)}  ${url}`;
}

export function jsonRow(s: ExchangeSummary): string {
  return JSON.stringify({
    id: s.id,
    session: s.session ?? null,
    method: s.method,
    url: s.url,
    status: s.status,
    durationMs: s.durationMs,
    requestSize: s.requestBytes,
    responseSize: s.responseBytes,
    startedAt: s.startedAt,
  });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function summaryLine(printed: number, matched: number, total: number, ms: number): string {
  const of = `${plural(total, 'exchange')} searched, ${Math.round(ms)} ms`;
  if (matched === 0) return `No matching exchanges (${of}).`;
  if (printed < matched) return `Showing the first ${printed} of ${matched} matching (${of}).`;
  return `${matched} matching (${of}).`;
}

/** stdout, waiting when the pipe is full; false once the reader went away (`| head`). */
function stdoutWriter(): (text: string) => Promise<boolean> {
  let closed = false;
  // A closed pipe sends no 'drain': a write waiting for one is let go by the error.
  let waiting: ((open: boolean) => void) | null = null;
  process.stdout.on('error', () => {
    closed = true;
    waiting?.(false);
  });
  return (text) =>
    new Promise((resolve) => {
      if (closed) return resolve(false);
      if (process.stdout.write(text)) return resolve(true);
      waiting = resolve;
      process.stdout.once('drain', () => resolve(!closed));
    });
}

async function run(opts: QueryOptions, client: StoreClient): Promise<number> {
  const scope = { session: opts.session, filter: opts.filter };
  const write = stdoutWriter();
  let ms = 0;
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      ms += performance.now() - t0;
    }
  };
  // Counted first: the rows printed are then the ones counted, though the instance keeps capturing meanwhile.
  const count = await timed(() => client.count(scope));
  if (!count.ok) throw new UsageError(formatFilterError({ column: count.column, message: count.error }));
  const want = Math.min(opts.limit ?? Number.MAX_SAFE_INTEGER, count.matched);
  if (!opts.json && want > 0 && !(await write(`${HEADER}\n`))) return 0;
  let printed = 0;
  while (printed < want) {
    const limit = Math.min(PAGE, want - printed);
    const page = await timed(() => client.page({ ...scope, sort: 'startedAt', order: 'asc', offset: printed, limit }));
    if (!page.ok) throw new UsageError(formatFilterError({ column: page.column, message: page.error }));
    if (page.rows.length > 0 && !(await write(`${page.rows.map(opts.json ? jsonRow : tableRow).join('\n')}\n`))) return 0;
    printed += page.rows.length;
    if (page.rows.length < limit) break; // retention evicted some meanwhile
  }
  const last = opts.json
    ? JSON.stringify({ event: 'count', matched: count.matched, total: count.total, ms: Math.round(ms * 1000) / 1000 })
    : summaryLine(printed, count.matched, count.total, ms);
  await write(`${last}\n`);
  return 0;
}

export async function queryCommand(argv: string[]): Promise<number> {
  try {
    const opts = parseQueryCli(argv);
    return await withStore(opts.dataDir, (client) => run(opts, client));
  } catch (err) {
    return failure(err);
  }
}
