// A text/event-stream body as its events (the WHATWG EventSource format: lines
// of `field: value`, events ended by a blank line), each with the time its
// last byte arrived, from the chunk arrival times the proxy kept.

export interface StreamEvent {
  /** `message` unless the event names another. */
  event: string;
  data: string;
  id: string | null;
  /** Epoch ms its last byte arrived; null when no time covers it. */
  at: number | null;
}

/** The time of the chunk holding byte `end - 1`: the last chunk that starts before `end`. */
function arrival(chunkTimes: ReadonlyArray<[number, number]>, end: number): number | null {
  let at: number | null = null;
  for (const [offset, t] of chunkTimes) {
    if (offset >= end) break;
    at = t;
  }
  return at;
}

/** The complete events of `body` (an event still arriving, without its blank line, is left out). */
export function parseEventStream(body: Uint8Array, chunkTimes: ReadonlyArray<[number, number]>): StreamEvent[] {
  const text = new TextDecoder().decode(body);
  const encoder = new TextEncoder();
  const events: StreamEvent[] = [];
  let fields: { event: string; data: string[]; id: string | null } = { event: 'message', data: [], id: null };
  let any = false;
  let bytes = 0;
  const lines = text.split(/(\r\n|\r|\n)/);
  // split with a capture group alternates line, terminator, line, …; the last line has no terminator yet.
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const line = lines[i]!;
    bytes += encoder.encode(line).length + lines[i + 1]!.length;
    if (line === '') {
      if (any) events.push({ event: fields.event, data: fields.data.join('\n'), id: fields.id, at: arrival(chunkTimes, bytes) });
      fields = { event: 'message', data: [], id: null };
      any = false;
      continue;
    }
    if (line.startsWith(':')) continue; // a comment
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'data') fields.data.push(value);
    else if (name === 'event') fields.event = value || 'message';
    else if (name === 'id') fields.id = value;
    else continue;
    any = true;
  }
  return events;
}
