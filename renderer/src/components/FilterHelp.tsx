// The filter language in a popover, from the language's own description
// (FILTER_HELP), so a new field or flag shows up here by itself.
import { FILTER_HELP } from '../../../electron/core/filter/index';
import { Popover } from './Popover';

function Rows({ title, rows }: { title: string; rows: Array<[string, string]> }) {
  return (
    <table className="help-table" aria-label={title}>
      <caption>{title}</caption>
      <tbody>
        {rows.map(([syntax, help]) => (
          <tr key={syntax}>
            <th scope="row">
              <code>{syntax}</code>
            </th>
            <td>{help}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FilterHelp({ onExample }: { onExample: (filter: string) => void }) {
  const h = FILTER_HELP;
  return (
    <Popover label="?" title="Filter help" panelLabel="Filter language" className="filter-help">
      {(close) => (
        <div className="help">
          <p>{h.summary}</p>
          <Rows title="Fields" rows={h.fields.map((f) => [f.syntax, f.help])} />
          <Rows title="Operators" rows={h.operators.map((o) => [o.op, o.help])} />
          <Rows title="Units" rows={h.units.map((u) => [u.fields, u.units])} />
          <Rows title="Flags" rows={h.flags.map((f) => [f.syntax, f.help])} />
          <Rows title="Combining" rows={h.combining.map((c) => [c.syntax, c.help])} />
          <Rows title="mitmproxy spellings" rows={h.mitmproxy.map((m) => [m.syntax, m.help])} />
          <table className="help-table" aria-label="Examples">
            <caption>Examples (click one to use it)</caption>
            <tbody>
              {h.examples.map((e) => (
                <tr key={e.filter}>
                  <th scope="row">
                    <button
                      type="button"
                      className="example"
                      onClick={() => {
                        close();
                        onExample(e.filter);
                      }}
                    >
                      <code>{e.filter}</code>
                    </button>
                  </th>
                  <td>{e.help}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Popover>
  );
}
