// Turns captured body bytes into something to read: decoded, pretty-printed
// JSON, text, or a hex dump. Runs in a Web Worker (bodyWorker.ts).

export interface BodyRequest {
  id: number;
  base64: string;
  contentType: string;
  contentEncoding: string;
  truncated: boolean;
}

export interface BodyResult {
  id: number;
  kind: 'empty' | 'json' | 'text' | 'hex';
  text: string;
  notes: string[];
}

const HEX_LIMIT = 64 * 1024;

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function decodeStream(bytes: Uint8Array, format: string): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream(format as CompressionFormat));
  return new Response(stream).arrayBuffer().then((b) => new Uint8Array(b));
}

function supports(format: string): boolean {
  try {
    new DecompressionStream(format as CompressionFormat);
    return true;
  } catch {
    return false;
  }
}

/** A coding this view cannot undo at all (as opposed to bytes that fail to decode). */
class UnsupportedCoding extends Error {}

/** Undoes one content-coding. */
async function decodeOne(bytes: Uint8Array, encoding: string): Promise<Uint8Array> {
  if (encoding === 'gzip' || encoding === 'x-gzip') return decodeStream(bytes, 'gzip');
  if (encoding === 'deflate') {
    // HTTP "deflate" is meant to be zlib-wrapped, but some servers send it raw.
    return decodeStream(bytes, 'deflate').catch(() => decodeStream(bytes, 'deflate-raw'));
  }
  if (encoding === 'br') {
    // Chromium's DecompressionStream has no Brotli (checked in Chromium 156); newer ones may.
    if (supports('brotli')) return decodeStream(bytes, 'brotli');
    throw new UnsupportedCoding('br (Brotli) cannot be decoded in this browser; showing the compressed bytes');
  }
  throw new UnsupportedCoding(`${encoding} is not a content-coding this view can decode; showing the bytes as received`);
}

export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  const n = Math.min(bytes.length, HEX_LIMIT);
  for (let off = 0; off < n; off += 16) {
    const slice = bytes.subarray(off, Math.min(off + 16, n));
    const hex = Array.from(slice, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(slice, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

export async function formatBody(req: BodyRequest): Promise<BodyResult> {
  const notes: string[] = [];
  let bytes = fromBase64(req.base64);
  if (req.truncated) notes.push('truncated: only the first part of this body was kept');
  if (bytes.length === 0) return { id: req.id, kind: 'empty', text: '', notes };
  // Codings are listed in the order applied: undo them last first.
  const encodings = req.contentEncoding.split(',').map((e) => e.trim().toLowerCase()).filter((e) => e && e !== 'identity');
  for (const encoding of encodings.reverse()) {
    try {
      bytes = await decodeOne(bytes, encoding);
      notes.push(`decoded from ${encoding}`);
    } catch (err) {
      if (err instanceof UnsupportedCoding) notes.push(err.message);
      else notes.push(`could not decode ${encoding}${req.truncated ? ' (the body was truncated)' : ''}; showing the bytes as received`);
      break;
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    if (bytes.length > HEX_LIMIT) notes.push(`hex view shows the first ${HEX_LIMIT} bytes`);
    return { id: req.id, kind: 'hex', text: hexDump(bytes), notes };
  }
  const looksJson = /json/i.test(req.contentType) || /^\s*[[{]/.test(text);
  if (looksJson) {
    try {
      return { id: req.id, kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2), notes };
    } catch {
      /* not JSON after all */
    }
  }
  return { id: req.id, kind: 'text', text, notes };
}
