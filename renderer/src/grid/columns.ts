// The traffic grid's columns: what each shows and sorts by. Widths live in
// styles.css (.c-<id>); path and URL take the room that is left.
import type { ExchangeSummary, SortColumn } from '../../../electron/core/api';
import { formatBytes, formatDateTime, formatMs, formatRelative, formatTime } from '../components/format';

export interface ColumnDef {
  id: SortColumn;
  /** The header's text. */
  label: string;
  /** The name in the Columns menu, when the header's is too short to say it. */
  name: string;
  /** What the cell shows; `now` is for relative times. */
  text(row: ExchangeSummary, now: number): string;
  /** The cell's full text on hover, when it differs from what is shown (the exact time). */
  hover?(row: ExchangeSummary): string;
  /** A class for the cell from the row's value (e.g. the delivery state's colour). */
  tone?(row: ExchangeSummary): string;
  /** Shown as a coloured badge with this class; the text is still there, so colour never says it alone. */
  badge?(row: ExchangeSummary): string;
}

const METHOD_BADGES = new Set(['get', 'post', 'put', 'patch', 'delete']);
const methodBadge = (r: ExchangeSummary) => {
  const m = r.method.toLowerCase();
  return `b-${m === 'patch' ? 'put' : METHOD_BADGES.has(m) ? m : 'other'}`;
};
const statusBadge = (r: ExchangeSummary) => (r.status === null ? 'b-none' : `b-${Math.floor(r.status / 100)}xx`);

const col = (id: SortColumn, label: string, text: ColumnDef['text'], more: Partial<ColumnDef> = {}): ColumnDef => ({ id, label, name: label, text, ...more });

export const COLUMNS: readonly ColumnDef[] = [
  // A pinned row says so in words too (★ alone would be colour-free, but not named).
  col('method', 'Method', (r) => (r.pinned ? `★ ${r.method}` : r.method), { tone: (r) => (r.pinned ? 'pinned' : ''), badge: methodBadge }),
  col('host', 'Host', (r) => r.host),
  col('path', 'Path', (r) => r.path),
  col('url', 'URL', (r) => r.url),
  col('status', 'Status', (r) => (r.status !== null ? String(r.status) : r.state === 'pending' ? '…' : '-'), { tone: (r) => (r.state === 'failed' ? 'bad' : ''), badge: statusBadge }),
  col('contentType', 'Type', (r) => r.contentType ?? '', { name: 'Content type' }),
  col('requestBytes', 'Req. size', (r) => formatBytes(r.requestBytes), { name: 'Request size' }),
  col('responseBytes', 'Size', (r) => formatBytes(r.responseBytes), { name: 'Response size' }),
  col('durationMs', 'Time', (r) => formatMs(r.durationMs), { name: 'Duration' }),
  col('startedAt', 'Started', (r, now) => formatRelative(r.startedAt, now), { name: 'Started at', hover: (r) => `${formatDateTime(r.startedAt).slice(0, 10)} ${formatTime(r.startedAt)}` }),
  col('delivery', 'Runscope', (r) => r.delivery ?? 'not forwarded', { name: 'Delivery state', tone: (r) => `d-${r.delivery ?? 'none'}` }),
  col('httpVersion', 'HTTP', (r) => r.httpVersion, { name: 'HTTP version' }),
];

export const DEFAULT_ORDER: readonly SortColumn[] = ['method', 'host', 'path', 'status', 'contentType', 'responseBytes', 'durationMs', 'startedAt', 'delivery', 'url', 'requestBytes', 'httpVersion'];
export const DEFAULT_HIDDEN: readonly SortColumn[] = ['url', 'requestBytes', 'httpVersion'];

const byId = new Map(COLUMNS.map((c) => [c.id, c]));
export const columnById = (id: SortColumn): ColumnDef => byId.get(id)!;
export const isColumnId = (id: unknown): id is SortColumn => typeof id === 'string' && byId.has(id as SortColumn);
