// Shown while several rows are selected: how many, and what can be done with them.
import { traffic } from '../core';
import { useTraffic } from '../stores/trafficStore';

export function SelectionBar({ onCompare }: { onCompare: (ids: [string, string]) => void }) {
  const ids = useTraffic((s) => s.selectedIds);
  if (ids.size < 2) return null;
  const two = ids.size === 2 ? ([...ids] as [string, string]) : null;
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selection">
      <span aria-live="polite">{ids.size.toLocaleString('en')} selected</span>
      <button type="button" disabled={two === null} title={two ? 'Compare the two selected exchanges' : 'Select exactly two exchanges to compare them'} onClick={() => two && onCompare(two)}>
        Compare
      </button>
      <button type="button" onClick={() => traffic().select(null)}>
        Clear selection
      </button>
    </div>
  );
}
