// The paused exchange editor's text forms, and the paused list kept from events.
import { beforeEach, describe, expect, it } from 'vitest';
import type { PausedExchange } from '../../../electron/core/api.js';
import { editableBody, headersText, parseHeaders } from '../../../renderer/src/components/pausedEdit.js';
import { shownPaused, usePaused } from '../../../renderer/src/stores/pausedStore.js';

const b64 = (bytes: Uint8Array | string) => btoa(String.fromCharCode(...(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes)));
const body = (bytes: Uint8Array | string) => ({ base64: b64(bytes), size: 0, truncated: false });
const paused = (id: string, phase: PausedExchange['phase'], pausedAt = 1): PausedExchange => ({
  id, phase, rule: 'r', pausedAt, resumesAt: pausedAt + 1000, request: { method: 'GET', url: `http://h/${id}`, httpVersion: '1.1', headers: [], body: body('') }, response: null,
});

beforeEach(() => usePaused.setState({ list: [], selectedId: null, lastEnded: null }));

describe('paused exchange editor', () => {
  it('headers as lines and back; a line without a name is refused with its number', () => {
    const text = headersText([['Host', 'a.test'], ['X-A', 'b: c']]);
    expect(text).toBe('Host: a.test\nX-A: b: c');
    expect(parseHeaders(`${text}\n\n`, 'Request headers')).toEqual({ ok: true, headers: [['Host', 'a.test'], ['X-A', 'b: c']] });
    expect(parseHeaders('Host: a\nno colon', 'Request headers')).toEqual({ ok: false, error: 'Request headers, line 2: expected "Name: value"' });
  });

  it('a body is text only when it is: compressed or binary bodies are sent on as they are', () => {
    expect(editableBody(body('{"a":1} é'), [])).toEqual({ text: '{"a":1} é' });
    expect(editableBody(body('x'), [['Content-Encoding', 'gzip']])).toEqual({ note: 'compressed (gzip): sent on as it is' });
    expect(editableBody(body(new Uint8Array([0xff, 0xfe, 0x00])), [])).toEqual({ note: 'binary: sent on as it is' });
  });

  it('keeps the paused list from events in order; an ended pause goes, not the next pause of the same exchange', () => {
    usePaused.getState().load([paused('b', 'request', 2), paused('a', 'request', 1)]);
    expect(shownPaused(usePaused.getState())?.id).toBe('a');
    usePaused.getState().select('b');
    usePaused.getState().apply([
      { type: 'unpaused', id: 'a', phase: 'request', outcome: 'resumed' },
      { type: 'paused', paused: paused('a', 'response', 3) },
      { type: 'unpaused', id: 'b', phase: 'request', outcome: 'dropped' },
    ]);
    const s = usePaused.getState();
    expect(s.list.map((p) => `${p.id} ${p.phase}`)).toEqual(['a response']);
    expect(s.lastEnded).toBe('GET http://h/b: dropped');
    expect(shownPaused(s)?.id).toBe('a');
  });
});
