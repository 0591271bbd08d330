// "Copy as": the request as code, from httpsnippet-lite (loaded when first
// asked for, so the main bundle stays small), plus the raw HTTP text of our
// own. What the library cannot carry we add around its output: a binary body
// piped in from base64 (curl, HTTPie) or named in a comment, and the quoting
// its PowerShell target leaves out. (Imports name .js: an integration test
// runs this file under Node's resolution too.)
import type { HarRequest } from 'httpsnippet-lite';
import { rawHttp } from './rawHttp.js';
import { harRequest, requestBody, toBase64, type CopySource, type RequestBody } from './requestParts.js';

export type SnippetTarget = 'curl' | 'fetch' | 'node' | 'python' | 'httpie' | 'powershell' | 'raw';

export const SNIPPET_TARGETS: ReadonlyArray<{ id: SnippetTarget; label: string }> = [
  { id: 'curl', label: 'cURL' },
  { id: 'fetch', label: 'fetch (browser)' },
  { id: 'node', label: 'Node (fetch)' },
  { id: 'python', label: 'Python requests' },
  { id: 'httpie', label: 'HTTPie' },
  { id: 'powershell', label: 'PowerShell (Invoke-WebRequest)' },
  { id: 'raw', label: 'Raw HTTP' },
];

const LIBRARY: Record<Exclude<SnippetTarget, 'raw'>, { target: 'shell' | 'javascript' | 'node' | 'python' | 'powershell'; client: string; comment: string; options?: object }> = {
  curl: { target: 'shell', client: 'curl', comment: '#', options: { binary: true } },
  fetch: { target: 'javascript', client: 'fetch', comment: '//' },
  node: { target: 'node', client: 'fetch', comment: '//' },
  python: { target: 'python', client: 'requests', comment: '#' },
  httpie: { target: 'shell', client: 'httpie', comment: '#' },
  powershell: { target: 'powershell', client: 'webrequest', comment: '#' },
};

/** A body curl would read as a file name (`@path`) goes in through the pipe too. */
const piped = (target: SnippetTarget, body: RequestBody) => (target === 'curl' || target === 'httpie') && (body.kind === 'binary' || (body.kind === 'text' && target === 'curl' && body.text.startsWith('@')));

/** PowerShell: a single-quoted string doubles its quotes; a double-quoted one would expand `$`. */
function quotePowershell(code: string, body: RequestBody): string {
  let out = code.replace(/^(\$headers\.Add\(".*?", ")(.*)("\))$/gm, (_m, a: string, v: string, z: string) => a + v.replace(/\$/g, '`$') + z);
  if (body.kind === 'text') out = out.replace(`-Body '${body.text}'`, () => `-Body '${body.text.replace(/'/g, "''")}'`);
  return out;
}

export async function snippetFor(src: CopySource, target: SnippetTarget): Promise<string> {
  const body = requestBody(src.request.body, src.request.headers);
  if (target === 'raw') return rawHttp(src, body);
  const spec = LIBRARY[target];
  const pipe = piped(target, body);
  const har = harRequest(src, pipe ? { kind: 'none' } : body);
  const { HTTPSnippet } = await import('httpsnippet-lite');
  const out = await new HTTPSnippet(har as HarRequest).convert(spec.target, spec.client, spec.options);
  let code = (Array.isArray(out) ? out[0] : out) ?? '';
  const notes: string[] = [];
  if (target === 'curl') code = code.replace(/ --request HEAD\b/, ' --head');
  // Node 18 and later have fetch built in.
  if (target === 'node') code = code.replace(/^const fetch = require\('node-fetch'\);\n\n?/, '');
  if (target === 'powershell') code = quotePowershell(code, body);
  if (pipe && body.kind !== 'none') {
    const b64 = body.kind === 'binary' ? body.base64 : toBase64(new TextEncoder().encode(body.text));
    code = `printf '%s' '${b64}' | base64 --decode | ${code}${target === 'curl' ? ' \\\n  --data-binary @-' : ''}`;
  } else if (body.kind === 'binary') {
    notes.push(`The request body (${src.request.body.size} bytes of binary data) is not included.`);
  }
  if (src.request.body.truncated && body.kind !== 'none') notes.push(`The request body was cut at the capture cap: ${src.request.body.size} bytes were sent, this has the first ${body.kind === 'text' ? new TextEncoder().encode(body.text).length : body.bytes.length}.`);
  return notes.map((n) => `${spec.comment} ${n}\n`).join('') + code;
}
