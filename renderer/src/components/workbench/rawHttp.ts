// The request as HTTP/1.1 text, written by us: request line, the headers as
// captured (names, order, repeats), a blank line, the body when it is text.
import type { CopySource, RequestBody } from './requestParts.js';
import { headerOf, requestBody } from './requestParts.js';

export function rawHttp(src: CopySource, body: RequestBody = requestBody(src.request.body, src.request.headers)): string {
  const url = new URL(src.url);
  const target = src.method.toUpperCase() === 'CONNECT' ? url.host : `${url.pathname}${url.search}`;
  const lines = [`${src.method} ${target} HTTP/${src.httpVersion === '2' ? '1.1' : src.httpVersion}`];
  // HTTP/2 carries the host as :authority, which is not among the headers.
  if (headerOf(src.request.headers, 'host') === undefined) lines.push(`Host: ${url.host}`);
  for (const [name, value] of src.request.headers) lines.push(`${name}: ${value}`);
  const head = `${lines.join('\r\n')}\r\n\r\n`;
  if (body.kind === 'none') return head;
  if (body.kind === 'binary') return `${head}[binary body: ${src.request.body.size} bytes, not shown as text]`;
  return head + body.text + (src.request.body.truncated ? `\r\n[body cut at the capture cap: ${src.request.body.size} bytes were sent]` : '');
}
