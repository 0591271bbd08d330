// A WebSocket connection's own facts: every frame each way (direction, time,
// type, size) and as much of the payloads as the capture cap allows, then how
// it closed. The frames are kept apart from the request and response bodies,
// which stay empty, so sizes mean what they mean for http.
import type { WebSocketFrameView, WebSocketView } from '../api.js';

export interface WebSocketFrame {
  from: 'client' | 'server';
  at: number;
  type: WebSocketFrameView['type'];
  size: number;
  /** What of the payload was kept: all of it, or the part that fit under the cap. */
  data: Buffer;
}

export interface WebSocketLog {
  frames: WebSocketFrame[];
  dropped: number;
  /** Payload bytes kept so far, against the cap. */
  kept: number;
  close: WebSocketView['close'];
}

/** Frames kept per connection; past it frames are passed on and counted (a chat left open all day stays bounded). */
export const MAX_FRAMES = 10_000;

export const emptyLog = (): WebSocketLog => ({ frames: [], dropped: 0, kept: 0, close: null });

/** Records a frame; its payload is kept while the connection's kept bytes stay under `cap`. */
export function addFrame(log: WebSocketLog, frame: Omit<WebSocketFrame, 'data'>, payload: Buffer, cap: number): void {
  if (log.frames.length >= MAX_FRAMES) {
    log.dropped++;
    return;
  }
  const room = Math.max(0, cap - log.kept);
  // A copy: the library may reuse the buffer it handed us.
  const data = Buffer.from(payload.subarray(0, Math.min(room, payload.length)));
  log.kept += data.length;
  log.frames.push({ ...frame, data });
}

/** The frames of one direction that carry text, joined by newlines: what a body filter searches. */
export function framesText(log: WebSocketLog, from: 'client' | 'server'): string {
  return log.frames
    .filter((f) => f.from === from && f.type === 'text')
    .map((f) => f.data.toString('utf8'))
    .join('\n');
}

export function webSocketView(log: WebSocketLog): WebSocketView {
  return {
    frames: log.frames.map((f) => ({ from: f.from, at: f.at, type: f.type, size: f.size, base64: f.data.toString('base64'), truncated: f.size > f.data.length })),
    dropped: log.dropped,
    close: log.close && { ...log.close },
  };
}

const FROM = new Set(['client', 'server']);
const TYPES = new Set(['text', 'binary', 'ping', 'pong']);

/** Reads a view back; throws naming the field when it is not one. */
export function webSocketLogFrom(v: WebSocketView): WebSocketLog {
  if (!Array.isArray(v?.frames) || !Number.isSafeInteger(v.dropped)) throw new Error('exchange state: websocket is not a frame list (frames, dropped, close)');
  const frames = v.frames.map((f, i) => {
    if (!FROM.has(f?.from) || !TYPES.has(f.type) || typeof f.at !== 'number' || !Number.isSafeInteger(f.size) || typeof f.base64 !== 'string') {
      throw new Error(`exchange state: websocket.frames[${i}] is not a frame (from, at, type, size, base64)`);
    }
    return { from: f.from, at: f.at, type: f.type, size: f.size, data: Buffer.from(f.base64, 'base64') };
  });
  const c = v.close;
  if (c !== null && (!Number.isInteger(c?.code) || typeof c.reason !== 'string' || !FROM.has(c.by))) throw new Error('exchange state: websocket.close is not a close (code, reason, by)');
  return { frames, dropped: v.dropped, kept: frames.reduce((n, f) => n + f.data.length, 0), close: c && { ...c } };
}
