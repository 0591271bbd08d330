// Shown while several rows are selected: how many, and what can be done with them (Compare for two; the
// bulk actions for any number up to the core's bound).
import { traffic } from '../core';
import { useTraffic } from '../stores/trafficStore';
import { BulkActions } from './bulk/BulkActions';

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
      <BulkActions ids={[...ids]} />
      <button type="button" onClick={() => traffic().select(null)}>
        Clear selection
      </button>
    </div>
  );
}
