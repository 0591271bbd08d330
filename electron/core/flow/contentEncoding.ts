// Decoding a body sent with Content-Encoding (gzip, br, deflate).
import zlib from 'node:zlib';

/** Decodes a (possibly truncated) compressed body; null when it cannot be decoded or the coding is unknown. */
export function decodeContent(bytes: Buffer, encoding: string | undefined, truncated: boolean): Buffer | null {
  const enc = encoding?.trim().toLowerCase();
  if (!enc || enc === 'identity') return bytes;
  const opts = truncated ? { finishFlush: zlib.constants.Z_SYNC_FLUSH } : {};
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return zlib.gunzipSync(bytes, opts);
    if (enc === 'deflate') {
      try {
        return zlib.inflateSync(bytes, opts);
      } catch {
        return zlib.inflateRawSync(bytes, opts);
      }
    }
    if (enc === 'br') return zlib.brotliDecompressSync(bytes, truncated ? { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH } : {});
  } catch {
    return null;
  }
  return null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text when the bytes are valid UTF-8, else base64 (and says so). */
export function textOrBase64(bytes: Buffer): { text: string; base64: boolean } {
  try {
    return { text: utf8.decode(bytes), base64: false };
  } catch {
    return { text: bytes.toString('base64'), base64: true };
  }
}
