// The paused exchange editor's text forms: headers as `Name: value` lines, and
// a body as text when it is text (not compressed, valid UTF-8); any other body
// is sent on as it is, never through a text box that would change its bytes.
import type { BodyView, HeaderPair } from '../../../electron/core/api';

export const headersText = (headers: readonly HeaderPair[]): string => headers.map(([n, v]) => `${n}: ${v}`).join('\n');

export type ParsedHeaders = { ok: true; headers: HeaderPair[] } | { ok: false; error: string };

/** Blank lines are skipped; the value is what follows the first colon, trimmed. */
export function parseHeaders(text: string, what: string): ParsedHeaders {
  const headers: HeaderPair[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (name === '') return { ok: false, error: `${what}, line ${i + 1}: expected "Name: value"` };
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  return { ok: true, headers };
}

export type EditableBody = { text: string } | { note: string };

const fromBase64 = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

export function editableBody(body: BodyView, headers: readonly HeaderPair[]): EditableBody {
  const coding = headers.find(([n]) => n.toLowerCase() === 'content-encoding')?.[1].trim().toLowerCase();
  if (coding && coding !== 'identity') return { note: `compressed (${coding}): sent on as it is` };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(fromBase64(body.base64)) };
  } catch {
    return { note: 'binary: sent on as it is' };
  }
}
