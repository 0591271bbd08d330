// A virtualised role=grid: only the rows in view exist in the DOM, so 100k rows stay smooth.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef } from 'react';
import type { ExchangeSummary } from '../../../electron/core/api';
import { useTraffic } from '../stores/trafficStore';
import { formatBytes, formatMs } from './format';

const ROW_HEIGHT = 26;
const COLUMNS = ['Method', 'URL', 'Status', 'Size', 'Time', 'Runscope'];

const Row = memo(function Row({ row, index, selected, top }: { row: ExchangeSummary; index: number; selected: boolean; top: number }) {
  const select = useTraffic((s) => s.select);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      tabIndex={selected ? 0 : -1}
      className={`grid-row${selected ? ' selected' : ''}${row.state === 'failed' ? ' failed' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => select(row.id)}
      onKeyDown={(e) => e.key === 'Enter' && select(row.id)}
    >
      <div role="gridcell" className="c-method">{row.method}</div>
      <div role="gridcell" className="c-url" title={row.url}>{row.url}</div>
      <div role="gridcell" className="c-status">{row.status ?? (row.state === 'pending' ? '…' : '-')}</div>
      <div role="gridcell" className="c-size">{formatBytes(row.responseBytes)}</div>
      <div role="gridcell" className="c-time">{formatMs(row.durationMs)}</div>
      <div role="gridcell" className={`c-delivery d-${row.delivery ?? 'none'}`}>{row.delivery ?? 'not forwarded'}</div>
    </div>
  );
});

export function TrafficGrid({ rows }: { rows: ExchangeSummary[] }) {
  const parent = useRef<HTMLDivElement>(null);
  const selectedId = useTraffic((s) => s.selectedId);
  const select = useTraffic((s) => s.select);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const at = rows.findIndex((r) => r.id === selectedId);
    const next = Math.max(0, Math.min(rows.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)));
    if (rows[next]) {
      select(rows[next]!.id);
      virtualizer.scrollToIndex(next);
    }
  };

  return (
    <div role="grid" aria-label="Traffic" aria-rowcount={rows.length + 1} className="grid" onKeyDown={onKeyDown}>
      <div role="row" aria-rowindex={1} className="grid-row grid-head">
        {COLUMNS.map((c) => (
          <div key={c} role="columnheader" className={`c-${c.toLowerCase()}`}>{c}</div>
        ))}
      </div>
      <div ref={parent} className="grid-body" tabIndex={0}>
        <div className="grid-spacer" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            return <Row key={row.id} row={row} index={item.index} selected={row.id === selectedId} top={item.start} />;
          })}
        </div>
      </div>
    </div>
  );
}
