// A websocket's messages in the detail view, as a list that grows while the
// connection is open: direction (in words, not colour alone), time since the
// upgrade, type, size and a preview; the selected one in full below.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import type { WebSocketView } from '../../../../electron/core/api';
import { BodyPanel } from '../BodyPanel';
import { formatBytes } from '../format';
import { frameContentType, framePreview } from './frameText';

const ROW_HEIGHT = 22;
const SHOWN = 12;

export function WebSocketFrames({ ws, startedAt }: { ws: WebSocketView; startedAt: number }) {
  const parent = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const virtualizer = useVirtualizer({ count: ws.frames.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  const frame = selected === null ? undefined : ws.frames[selected];
  const close = ws.close;
  return (
    <section className="ws-frames" aria-label="WebSocket messages">
      <h3>
        Messages · {ws.frames.length}
        {ws.dropped > 0 && ` (and ${ws.dropped} more passed on, not kept)`}
      </h3>
      {ws.frames.length === 0 ? (
        <p className="muted">No messages yet.</p>
      ) : (
        <div ref={parent} className="ws-list" role="listbox" aria-label="Messages" style={{ maxHeight: ROW_HEIGHT * SHOWN }}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const f = ws.frames[item.index]!;
              return (
                <div
                  key={item.index}
                  role="option"
                  aria-selected={selected === item.index}
                  className={`ws-row ws-${f.from}${selected === item.index ? ' selected' : ''}`}
                  style={{ position: 'absolute', top: item.start, height: ROW_HEIGHT, left: 0, right: 0 }}
                  onClick={() => setSelected(item.index)}
                >
                  <span className="ws-dir">{f.from === 'client' ? '↑ sent' : '↓ received'}</span>
                  <span className="ws-time">+{(f.at - startedAt).toFixed(1)} ms</span>
                  <span className="ws-type">{f.type}</span>
                  <span className="ws-size">{formatBytes(f.size)}</span>
                  <span className="ws-preview">{framePreview(f)}</span>
                </div>
              );
            })}
          </div>
        </div>
      )}
      {close && (
        <p className="meta" aria-label="Close">
          Closed by the {close.by}: {close.code}
          {close.reason && ` ${close.reason}`}
        </p>
      )}
      {frame && <BodyPanel title={`Message ${selected! + 1}${frame.truncated ? ' (cut at the capture cap)' : ''}`} body={{ base64: frame.base64, size: frame.size, truncated: frame.truncated }} contentType={frameContentType(frame)} contentEncoding="" />}
    </section>
  );
}
