// The grid's header row: one sort button per visible column (click sorts by
// it, again flips the order); aria-sort says which sorts and how.
import type { SortColumn } from '../../../electron/core/api';
import { traffic } from '../core';
import type { ColumnDef } from '../grid/columns';
import { useTraffic } from '../stores/trafficStore';

export function GridHeader({ columns }: { columns: readonly ColumnDef[] }) {
  const sort = useTraffic((s) => s.query.sort);
  const order = useTraffic((s) => s.query.order);
  const sortBy = (id: SortColumn) => traffic().setQuery(id === sort ? { order: order === 'asc' ? 'desc' : 'asc' } : { sort: id, order: 'asc' });
  return (
    <div role="row" aria-rowindex={1} className="grid-row grid-head">
      {columns.map((c) => {
        const active = c.id === sort;
        return (
          <div key={c.id} role="columnheader" className={`c-${c.id}`} aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
            <button type="button" className="sort" title={`Sort by ${c.name}`} onClick={() => sortBy(c.id)}>
              {c.label}
              {active && <span aria-hidden="true">{order === 'asc' ? ' ▲' : ' ▼'}</span>}
            </button>
          </div>
        );
      })}
    </div>
  );
}
