// A body read while its exchange is paused (a breakpoint shows and edits it),
// and how what was read goes on afterwards. The library keeps both message
// streams paused until it pipes them, so a pause may read one first: the bytes
// must then reach the other side as if nothing had read them.
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';

export interface ReadBody {
  chunks: Buffer[];
  /** Bytes read. */
  size: number;
  /** The stream ended: `chunks` are the whole body. Else it passed the cap (or closed), and the rest is still in the stream. */
  ended: boolean;
}

const NOTHING: ReadBody = Object.freeze({ chunks: [], size: 0, ended: false }) as ReadBody;

/**
 * Reads `source` until it ends, passes `cap` bytes, or closes; leaves it
 * paused. A body declared larger than the cap is not read at all: it could not
 * be shown whole, so nobody may edit it.
 */
export function readPaused(source: IncomingMessage, cap: number): Promise<ReadBody> {
  const declared = Number(source.headers['content-length']);
  if (declared > cap || source.destroyed) return Promise.resolve(NOTHING);
  return new Promise((resolve) => {
    const out: ReadBody = { chunks: [], size: 0, ended: false };
    const done = () => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('close', done);
      resolve(out);
    };
    const onData = (chunk: Buffer) => {
      out.chunks.push(chunk);
      out.size += chunk.length;
      if (out.size > cap) {
        source.pause();
        done();
      }
    };
    const onEnd = () => {
      out.ended = true;
      done();
    };
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('close', done);
    source.resume();
  });
}

export const bodyOf = (read: ReadBody): Buffer => (read.chunks.length === 1 ? read.chunks[0]! : Buffer.concat(read.chunks, read.size));

/** What was read and not ended goes back to the front of the stream, for whoever reads it next. */
export function putBack(source: IncomingMessage, read: ReadBody): void {
  if (!read.ended && read.size > 0 && !source.destroyed) source.unshift(bodyOf(read));
}

/**
 * A request filter (the library pipes the client's request through these to
 * the upstream) that sends `body` as the whole body: what the client still
 * sends is dropped, and `body` goes once the client's stream has ended (at
 * once when it already has).
 */
export function replacingBody(body: Buffer): Transform {
  return new Transform({
    transform(_chunk, _encoding, cb) {
      cb();
    },
    flush(cb) {
      cb(null, body.length > 0 ? body : undefined);
    },
  });
}
