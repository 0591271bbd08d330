// Capture's tap on the streams http-mitm-proxy already pipes.
import type { IncomingMessage } from 'node:http';
import type { CapturedBody } from '../flow/body.js';

const HIGH_WATER = 1024 * 1024;

/**
 * Copies each chunk of `source` into `body`, and pauses `source` while `sink`
 * holds more than HIGH_WATER bytes (the library does not). `onChunk` hears of
 * each chunk once it is in `body`, with the bytes that came before it. With
 * `bytesPerSecond`, reading also waits until the bytes so far are due at that
 * rate (a throttle rule): the upstream is read no faster than the client gets it.
 */
export function tap(
  source: IncomingMessage,
  body: CapturedBody,
  sink: () => (NodeJS.WritableStream & { writableLength: number }) | undefined,
  onChunk?: (offset: number) => void,
  bytesPerSecond?: number,
): void {
  // Two reasons to pause (the sink is full, the throttle is ahead): read again once neither holds.
  let holds = 0;
  const hold = () => {
    if (holds++ === 0) source.pause();
  };
  const release = () => {
    if (--holds === 0) source.resume();
  };
  let draining = false;
  const started = performance.now();
  let read = 0;
  source.on('data', (chunk: Buffer) => {
    const offset = body.size;
    body.push(chunk);
    onChunk?.(offset);
    const s = sink();
    if (s && s.writableLength > HIGH_WATER && !draining) {
      draining = true;
      hold();
      s.once('drain', () => {
        draining = false;
        release();
      });
    }
    if (!bytesPerSecond) return;
    read += chunk.length;
    const ahead = started + (read / bytesPerSecond) * 1000 - performance.now();
    if (ahead > 1) {
      hold();
      setTimeout(release, ahead).unref();
    }
  });
}
