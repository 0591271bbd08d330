// A virtualised role=grid over a paged result: only the rows in view exist in
// the DOM, and only the pages around them in memory (stores/trafficPager.ts).
// Rows not fetched yet show as placeholders until their page arrives.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { ExchangeSummary } from '../../../electron/core/api';
import { traffic } from '../core';
import { useColumns, visible } from '../grid/columnPrefs';
import { columnById, type ColumnDef } from '../grid/columns';
import { restartMark } from '../grid/restartMarks';
import { indexOfId, rowAt } from '../stores/pageCache';
import { sessionNamed, useSessions } from '../stores/sessionStore';
import { useTraffic } from '../stores/trafficStore';
import { formatTime } from './format';
import { useNow } from './useNow';
import { GridHeader } from './GridHeader';

const ROW_HEIGHT = 26;
const NO_RESTARTS: readonly number[] = [];

interface RowProps {
  row: ExchangeSummary | undefined;
  index: number;
  columns: readonly ColumnDef[];
  selected: boolean;
  /** The row the keyboard is on (focusable). */
  cursor: boolean;
  top: number;
  /** The restart this row is the first exchange after, and on which side of it the divider goes. */
  restart: { at: number; side: 'above' | 'below' } | null;
  /** The clock relative times are shown against. */
  now: number;
}

/** A plain click selects the row alone (its detail opens); ctrl/cmd toggles it, shift selects a range. */
function clickRow(e: React.MouseEvent, id: string, index: number): void {
  if (e.shiftKey) traffic().extendTo(index);
  else if (e.ctrlKey || e.metaKey) traffic().toggle(id);
  else traffic().select(id);
}

const Row = memo(function Row({ row, index, columns, selected, cursor, top, restart, now }: RowProps) {
  const style = { transform: `translateY(${top}px)` };
  if (!row) {
    return (
      <div role="row" aria-rowindex={index + 2} className="grid-row placeholder" style={style}>
        <div role="gridcell" className="c-loading">…</div>
      </div>
    );
  }
  const select = () => traffic().select(row.id);
  const title = restart ? `Proxyscope restarted at ${formatTime(restart.at)}, before this exchange` : undefined;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      tabIndex={cursor ? 0 : -1}
      title={title}
      className={`grid-row${selected ? ' selected' : ''}${row.state === 'failed' ? ' failed' : ''}${restart ? ` restart-${restart.side}` : ''}`}
      style={style}
      // Shift-click would select the page's text too.
      onMouseDown={(e) => e.shiftKey && e.preventDefault()}
      onClick={(e) => clickRow(e, row.id, index)}
      onKeyDown={(e) => e.key === 'Enter' && select()}
    >
      {restart && (
        <span aria-hidden="true" className={`restart-label ${restart.side}`}>
          Proxyscope restarted
        </span>
      )}
      {columns.map((c) => {
        const text = c.text(row, now);
        const badge = c.badge?.(row);
        return (
          <div key={c.id} role="gridcell" className={`c-${c.id} ${c.tone?.(row) ?? ''}`} title={c.hover?.(row) ?? text}>
            {badge ? <span className={`pill ${badge}`}>{text}</span> : text}
          </div>
        );
      })}
    </div>
  );
});

// j and k as in a mail reader or a pager.
const KEY_STEPS: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, j: 1, k: -1, PageDown: 20, PageUp: -20, Home: -Infinity, End: Infinity };

export function TrafficGrid() {
  const parent = useRef<HTMLDivElement>(null);
  const rowCount = useTraffic((s) => s.rowCount);
  const pages = useTraffic((s) => s.pages);
  const generation = useTraffic((s) => s.generation);
  const selectedId = useTraffic((s) => s.selectedId);
  const selectedIds = useTraffic((s) => s.selectedIds);
  const { sort, order, session } = useTraffic((s) => s.query);
  const prefs = useColumns((s) => s.prefs);
  const columns = useMemo(() => visible(prefs).map(columnById), [prefs]);
  const now = useNow(columns.some((c) => c.id === 'startedAt'));
  const restarts = useSessions((s) => (sort === 'startedAt' ? sessionNamed(s.sessions, session)?.restarts : undefined)) ?? NO_RESTARTS;
  const virtualizer = useVirtualizer({ count: rowCount, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index;
  const last = items[items.length - 1]?.index;

  useEffect(() => {
    if (first !== undefined && last !== undefined) traffic().setRange({ start: first, end: last });
  }, [first, last]);

  // Oldest first, new exchanges arrive at the bottom: a grid scrolled to the bottom stays there.
  const following = useRef(true);
  const atBottom = (el: HTMLElement) => el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT / 2;
  const onScroll = () => {
    following.current = atBottom(parent.current!);
  };
  useLayoutEffect(() => {
    following.current = atBottom(parent.current!);
  }, []);
  const lastCount = useRef(rowCount);
  useLayoutEffect(() => {
    const grew = rowCount > lastCount.current;
    lastCount.current = rowCount;
    if (grew && following.current && sort === 'startedAt' && order === 'asc') virtualizer.scrollToIndex(rowCount - 1, { align: 'end' });
  }, [rowCount, sort, order, virtualizer]);
  // A new query starts at the top (a remounted grid is there already).
  const shownGeneration = useRef(generation);
  useEffect(() => {
    if (generation === shownGeneration.current) return;
    shownGeneration.current = generation;
    virtualizer.scrollToOffset(0);
  }, [generation, virtualizer]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    // Esc closes the detail (the selection goes).
    if (e.key === 'Escape' && selectedId !== null) return traffic().select(null);
    const step = KEY_STEPS[e.key];
    if (step === undefined || rowCount === 0) return;
    e.preventDefault();
    const at = selectedId === null ? -1 : (indexOfId(pages, selectedId) ?? -1);
    const next = Math.max(0, Math.min(rowCount - 1, at + step));
    virtualizer.scrollToIndex(next);
    const row = rowAt(pages, next);
    // Shift+Arrow extends the selection from its anchor; a plain key moves it.
    if (row) e.shiftKey ? traffic().extendTo(next) : traffic().select(row.id);
  };

  const at = (i: number) => rowAt(pages, i);
  return (
    <div role="grid" aria-label="Traffic" aria-multiselectable="true" aria-rowcount={rowCount + 1} className="grid" onKeyDown={onKeyDown}>
      <GridHeader columns={columns} />
      <div ref={parent} className="grid-body" onScroll={onScroll}>
        <div className="grid-spacer" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = at(item.index);
            const mark = row ? restartMark(at, item.index, order, restarts) : null;
            return (
              <Row
                key={row?.id ?? `placeholder-${item.index}`}
                row={row}
                index={item.index}
                columns={columns}
                selected={row !== undefined && selectedIds.has(row.id)}
                // With nothing selected the first row takes the Tab stop, so the grid is always reachable.
                cursor={row !== undefined && (selectedId === null ? item.index === 0 : row.id === selectedId)}
                top={item.start}
                restart={mark === null ? null : { at: mark, side: order === 'asc' ? 'above' : 'below' }}
                now={now}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
