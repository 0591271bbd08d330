import { describe, expect, it } from 'vitest';
import { summaryOf, withMemoryMeta } from '../../electron/core/flow/views.js';
import { exchange } from '../support/exchanges.js';

describe('a stored row with the meta its exchange has in memory', () => {
  it('takes the delivery state and pin of the exchange in memory, keeping the rest of the stored row', () => {
    const ex = exchange();
    ex.meta.delivery = 'queued';
    const stored = { ...summaryOf(ex), pinned: true as const };
    ex.meta.delivery = 'failed';
    const row = withMemoryMeta(stored, ex);
    expect(row.delivery).toBe('failed');
    expect(row.pinned).toBeUndefined();
    expect({ ...row, delivery: stored.delivery, pinned: true }).toEqual(stored);
    ex.meta.pinned = true;
    expect(withMemoryMeta(stored, ex).pinned).toBe(true);
  });

  it('leaves a row whose exchange is no longer in memory as the store has it', () => {
    const stored = { ...summaryOf(exchange()), delivery: 'sent' as const };
    expect(withMemoryMeta(stored, undefined)).toBe(stored);
  });
});
