// Shows, hides and reorders the grid's columns (remembered across reloads, see grid/columnPrefs.ts).
import { useColumns } from '../grid/columnPrefs';
import { columnById } from '../grid/columns';
import { Popover } from './Popover';

export function ColumnsMenu() {
  const prefs = useColumns((s) => s.prefs);
  const { toggle, move, reset } = useColumns.getState();
  const shown = prefs.order.length - prefs.hidden.length;
  return (
    <Popover label="Columns" title="Columns" panelLabel="Columns" className="columns-menu">
      {() => (
        <>
          <ul className="column-list">
            {prefs.order.map((id, i) => {
              const c = columnById(id);
              const hidden = prefs.hidden.includes(id);
              return (
                <li key={id}>
                  <label>
                    <input type="checkbox" checked={!hidden} disabled={!hidden && shown <= 1} onChange={() => toggle(id)} /> {c.name}
                  </label>
                  <button type="button" aria-label={`Move ${c.name} up`} disabled={i === 0} onClick={() => move(id, -1)}>
                    ↑
                  </button>
                  <button type="button" aria-label={`Move ${c.name} down`} disabled={i === prefs.order.length - 1} onClick={() => move(id, 1)}>
                    ↓
                  </button>
                </li>
              );
            })}
          </ul>
          <button type="button" onClick={reset}>
            Reset to defaults
          </button>
        </>
      )}
    </Popover>
  );
}
