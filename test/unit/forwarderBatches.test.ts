import { describe, expect, it } from 'vitest';
import { BATCH_MAX_CHARS, batchesOf } from '../../electron/core/runscope/forwarder.js';
import type { DueMessage } from '../../electron/core/runscope/outbox.js';

const msg = (id: number, bytes = 10): DueMessage => ({ id, exchangeId: `e${id}`, body: 'x'.repeat(bytes), bucket: null, attempts: 0, createdAt: 0 });
const ids = (batches: DueMessage[][]) => batches.map((b) => b.map((m) => m.id));

describe('batchesOf', () => {
  it('cuts consecutive messages into POSTs of at most perPost, in order', () => {
    expect(ids(batchesOf([1, 2, 3, 4, 5].map((i) => msg(i)), 2, 10))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('stops at maxPosts', () => {
    expect(ids(batchesOf([1, 2, 3, 4, 5].map((i) => msg(i)), 2, 2))).toEqual([[1, 2], [3, 4]]);
  });

  it('cuts before a message that would take a POST past the size bound; a bigger message goes alone', () => {
    const half = BATCH_MAX_CHARS / 2;
    expect(ids(batchesOf([msg(1, half), msg(2, half), msg(3, 1), msg(4, BATCH_MAX_CHARS * 2), msg(5, 1)], 50, 10))).toEqual([[1, 2], [3], [4], [5]]);
  });

  it('sends nothing for nothing due', () => {
    expect(batchesOf([], 50, 16)).toEqual([]);
  });
});
