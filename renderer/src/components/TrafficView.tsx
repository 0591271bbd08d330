import { useMemo } from 'react';
import { core } from '../core';
import { matchesFilter, useTraffic } from '../stores/trafficStore';
import { ExchangeDetailView } from './ExchangeDetailView';
import { TrafficGrid } from './TrafficGrid';

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function TrafficView() {
  const rows = useTraffic((s) => s.rows);
  const filter = useTraffic((s) => s.filter);
  const setFilter = useTraffic((s) => s.setFilter);
  const selectedId = useTraffic((s) => s.selectedId);
  const visible = useMemo(() => (filter ? rows.filter((r) => matchesFilter(r, filter)) : rows), [rows, filter]);

  const exportHar = async () => {
    const result = await core().invoke('exportHar', {});
    if (result.ok) download('proxyscope.har', result.har, 'application/json');
  };

  return (
    <div className="traffic">
      <div className="toolbar">
        <label>
          Filter <input type="search" value={filter} placeholder="URL text, method, status or delivery state" onChange={(e) => setFilter(e.target.value)} />
        </label>
        <span className="count" aria-live="polite">
          {visible.length} of {rows.length} exchanges
        </span>
        <button onClick={() => void exportHar()}>Export HAR</button>
        <button onClick={() => void core().invoke('clearTraffic')}>Clear</button>
      </div>
      <TrafficGrid rows={visible} />
      {selectedId && <ExchangeDetailView key={selectedId} id={selectedId} />}
    </div>
  );
}
