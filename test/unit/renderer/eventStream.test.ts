// The event-stream view's parser: events by blank lines (any line ending),
// multi-line data, named events and ids, comments skipped, an event still
// arriving left out, and each event timed by the chunk its last byte came in.
import { describe, expect, it } from 'vitest';
import { parseEventStream } from '../../../renderer/src/components/stream/eventStream';
import { useInFlight } from '../../../renderer/src/stores/inFlightStore';
import { summary } from './rows';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('event stream', () => {
  it('splits events, joins data lines, keeps names and ids, skips comments', () => {
    const body = ': hello\n\ndata: one\n\nevent: tick\nid: 7\ndata: a\ndata: b\r\n\r\ndata:no space\r\rdata: pending';
    expect(parseEventStream(bytes(body), []).map(({ event, data, id }) => ({ event, data, id }))).toEqual([
      { event: 'message', data: 'one', id: null },
      { event: 'tick', data: 'a\nb', id: '7' },
      { event: 'message', data: 'no space', id: null },
    ]);
  });

  it('times each event by the chunk that held its last byte, counting bytes, not characters', () => {
    const first = 'data: é\n\n'; // 10 bytes
    const body = `${first}data: two\n\n`;
    const times: Array<[number, number]> = [
      [0, 1000],
      [5, 1001], // the middle of the first event
      [10, 1500],
    ];
    expect(parseEventStream(bytes(body), times).map((e) => [e.data, e.at])).toEqual([
      ['é', 1001],
      ['two', 1500],
    ]);
    expect(parseEventStream(bytes(body), []).map((e) => e.at)).toEqual([null, null]);
  });
});

describe('open streams list', () => {
  it('holds what is pending with a status, drops what ended, and starts empty again on clear', () => {
    const open = { ...summary('s1'), state: 'pending' as const, status: 200 };
    const requestOnly = { ...summary('s2'), state: 'pending' as const, status: null };
    useInFlight.getState().apply([open, requestOnly]);
    expect(useInFlight.getState().rows.map((r) => r.id)).toEqual(['s1']);
    useInFlight.getState().apply([{ ...open, state: 'complete' }]);
    expect(useInFlight.getState().rows).toEqual([]);
    useInFlight.getState().apply([open]);
    useInFlight.getState().clear();
    expect(useInFlight.getState().rows).toEqual([]);
  });
});
