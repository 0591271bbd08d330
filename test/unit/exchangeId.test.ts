import { describe, expect, it } from 'vitest';
import { exchangeId } from '../../electron/core/flow/exchangeId.js';

describe('exchangeId', () => {
  it('is a UUIDv7 carrying its millisecond, so ids sort by time', () => {
    const t = Date.UTC(2026, 10, 25, 20, 0, 0, 123);
    const id = exchangeId(t);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(t);
    const later = [exchangeId(t + 1), exchangeId(t + 1000), exchangeId(t + 86_400_000)];
    expect([...later, id].sort()).toEqual([id, ...later]);
  });

  it('differs within one millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => exchangeId(1_795_000_000_000)));
    expect(ids.size).toBe(1000);
  });
});
