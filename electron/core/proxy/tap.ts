// Capture's tap on the streams http-mitm-proxy already pipes.
import type { IncomingMessage } from 'node:http';
import type { CapturedBody } from '../flow/body.js';

const HIGH_WATER = 1024 * 1024;

/**
 * Copies each chunk of `source` into `body`, and pauses `source` while `sink`
 * holds more than HIGH_WATER bytes (the library does not).
 */
export function tap(source: IncomingMessage, body: CapturedBody, sink: () => NodeJS.WritableStream & { writableLength: number } | undefined): void {
  source.on('data', (chunk: Buffer) => {
    body.push(chunk);
    const s = sink();
    if (s && s.writableLength > HIGH_WATER && !source.isPaused()) {
      source.pause();
      s.once('drain', () => source.resume());
    }
  });
}
