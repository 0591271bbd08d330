import { describe, expect, it } from 'vitest';
import { BATCH_MAX_CHARS, batchesOf, byBucket } from '../../electron/core/runscope/forwarder.js';
import type { DueMessage } from '../../electron/core/runscope/outbox.js';

const msg = (id: number, bytes = 10, bucket: string | null = null): DueMessage => ({ id, exchangeId: `e${id}`, body: 'x'.repeat(bytes), bucket, attempts: 0, createdAt: 0 });
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

describe('byBucket', () => {
  const grouped = (due: DueMessage[]) => {
    const { groups, refused } = byBucket(due, 'default');
    return { groups: [...groups].map(([bucket, ms]) => [bucket, ms.map((m) => m.id)]), refused: refused.map(([m, error]) => [m.id, error]) };
  };

  it('groups by the bucket each message goes to, its own or the default, in the order of their oldest message', () => {
    expect(grouped([msg(1, 1, 'b'), msg(2), msg(3, 1, 'c'), msg(4, 1, 'b'), msg(5), msg(6, 1, ' c ')]).groups).toEqual([
      ['b', [1, 4]],
      ['default', [2, 5]],
      ['c', [3, 6]],
    ]);
  });

  it('a message whose own bucket is not a valid key is set apart with the reason; the rest are grouped as if it were not there', () => {
    expect(grouped([msg(1, 1, 'a\nb'), msg(2), msg(3, 1, ''), msg(4, 1, 'x'.repeat(201)), msg(5, 1, 'ok')])).toEqual({
      groups: [['default', [2]], ['ok', [5]]],
      refused: [
        [1, 'not sent: bucket must not contain control characters ("a\\nb")'],
        [3, 'not sent: bucket must not be empty ("")'],
        [4, `not sent: bucket must be a string of at most 200 characters ("${'x'.repeat(60)}")`],
      ],
    });
  });
});
