// A text/event-stream response as its events, each with the time it arrived
// after the request started; it grows while the stream is open.
import type { BodyView } from '../../../../electron/core/api';
import { parseEventStream } from './eventStream';

function bytesOf(base64: string): Uint8Array {
  const raw = atob(base64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export function EventStreamView({ body, chunkTimes, startedAt }: { body: BodyView; chunkTimes: Array<[number, number]>; startedAt: number }) {
  const events = parseEventStream(bytesOf(body.base64), chunkTimes);
  return (
    <table className="headers" aria-label="Events">
      <caption>
        Events · {events.length}
        {body.truncated && ' (the body was cut at the capture cap: later events are not kept)'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Event</th>
          <th scope="col">Data</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e, i) => (
          <tr key={i}>
            <td className="muted">{e.at === null ? '' : `+${(e.at - startedAt).toFixed(1)} ms`}</td>
            <td>
              {e.event}
              {e.id !== null && <span className="muted"> #{e.id}</span>}
            </td>
            <td>
              <code>{e.data}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
