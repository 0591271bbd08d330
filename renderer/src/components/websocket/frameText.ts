// How a WebSocket frame reads in the message list: text as it is, binary as
// hex, each cut to a preview; and the content type its payload is shown as.
import type { WebSocketFrameView } from '../../../../electron/core/api';

const PREVIEW = 160;

function bytesOf(base64: string): Uint8Array {
  const raw = atob(base64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export function frameText(f: WebSocketFrameView): string {
  const bytes = bytesOf(f.base64);
  if (f.type === 'text') return new TextDecoder().decode(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export function framePreview(f: WebSocketFrameView): string {
  const t = frameText(f).replace(/\s+/g, ' ');
  return t.length > PREVIEW ? `${t.slice(0, PREVIEW)}…` : t;
}

/** What the body formatter shows the payload as: JSON pretty-printed when it is JSON. */
export function frameContentType(f: WebSocketFrameView): string {
  if (f.type !== 'text') return 'application/octet-stream';
  return /^\s*[[{]/.test(frameText(f)) ? 'application/json' : 'text/plain; charset=utf-8';
}
