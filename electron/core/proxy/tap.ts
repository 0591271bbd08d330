// Capture's tap on the streams http-mitm-proxy already pipes.
import type { IncomingMessage } from 'node:http';
import type { CapturedBody } from '../flow/body.js';

const HIGH_WATER = 1024 * 1024;

/**
 * Copies each chunk of `source` into `body`, and pauses `source` while `sink`
 * holds more than HIGH_WATER bytes (the library does not). `onChunk` hears of
 * each chunk once it is in `body`, with the bytes that came before it.
 */
export function tap(source: IncomingMessage, body: CapturedBody, sink: () => NodeJS.WritableStream & { writableLength: number } | undefined, onChunk?: (offset: number) => void): void {
  source.on('data', (chunk: Buffer) => {
    const offset = body.size;
    body.push(chunk);
    onChunk?.(offset);
    const s = sink();
    if (s && s.writableLength > HIGH_WATER && !source.isPaused()) {
      source.pause();
      s.once('drain', () => source.resume());
    }
  });
}
