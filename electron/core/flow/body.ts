// A captured body: the first `cap` bytes of a stream, and how many bytes the stream had.
const noBytes = Buffer.alloc(0);

/**
 * Keeps the first `cap` bytes of a streamed body and counts the rest. Most bodies
 * arrive in one chunk (or none), so the first is held without an array: the
 * store holds thousands of exchanges and every object in them costs the GC.
 */
export class CapturedBody {
  private first: Buffer | null = null;
  private rest: Buffer[] | null = null;
  kept = 0;
  size = 0;
  constructor(private readonly cap: number) {}

  /** A body read back from a copy: `bytes` kept of `size` seen on the wire. */
  static restored(bytes: Buffer, size: number): CapturedBody {
    const body = new CapturedBody(bytes.length);
    if (bytes.length > 0) body.first = bytes;
    body.kept = bytes.length;
    body.size = Math.max(size, bytes.length);
    return body;
  }

  push(chunk: Buffer): void {
    this.size += chunk.length;
    const room = this.cap - this.kept;
    if (room <= 0) return;
    const part = Buffer.from(chunk.length <= room ? chunk : chunk.subarray(0, room)); // copy: the source buffer may be pooled
    if (this.first === null) this.first = part;
    else (this.rest ??= []).push(part);
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.size > this.kept;
  }

  bytes(): Buffer {
    if (this.rest !== null) {
      this.first = Buffer.concat([this.first!, ...this.rest], this.kept);
      this.rest = null;
    }
    return this.first ?? noBytes;
  }
}
