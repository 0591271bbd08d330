// The rewrite action's fields (docs/rules.md, "Rewrite"): another upstream for
// the request, header edits on either side, the response's status, and a
// replacement in one body. Each part is checked here, naming its field, so a
// rewrite that validates can only fail on what the traffic brings.
import { z } from 'zod';
import { HEADER_NAME, headerValue } from './httpFields.js';

/** The proxy frames a body it rewrites itself; a rule that set these could make the message unreadable. */
const FRAMING = new Set(['content-length', 'transfer-encoding']);

function headerNameProblem(name: string): string | null {
  if (!HEADER_NAME.test(name)) return 'must be an HTTP header name';
  if (FRAMING.has(name.toLowerCase())) return 'Content-Length and Transfer-Encoding frame the body: the proxy sets them';
  return null;
}

const setHeaders = z.record(z.string(), headerValue).superRefine((headers, ctx) => {
  for (const name of Object.keys(headers)) {
    const why = headerNameProblem(name);
    if (why) ctx.addIssue({ code: 'custom', path: [name], message: why });
  }
});

const removeHeaders = (side: 'request' | 'response') =>
  z
    .array(z.string())
    .max(100)
    .superRefine((names, ctx) => {
      names.forEach((name, i) => {
        const why = side === 'request' && name.toLowerCase() === 'host' ? 'the upstream needs a Host (set it instead, or map the url)' : headerNameProblem(name);
        if (why) ctx.addIssue({ code: 'custom', path: [i], message: why });
      });
    });

/** Why `text` cannot be the URL a request is mapped to; null when it can. */
export function upstreamUrlProblem(text: string): string | null {
  const wanted = 'must be an absolute http(s) URL, at least scheme and host (e.g. https://staging.example.com)';
  if (!/^https?:\/\/[^/?#]/i.test(text)) return wanted;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return wanted;
  }
  if (url.username || url.password) return 'must not carry user:password@ (set an Authorization header instead)';
  if (url.hash) return 'must not have a #fragment (it is never sent)';
  return null;
}

const upstreamUrl = z
  .string()
  .max(8192)
  .superRefine((text, ctx) => {
    const why = upstreamUrlProblem(text);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  });

const pattern = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(10_000)
  .superRefine((text, ctx) => {
    try {
      new RegExp(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `must be a JavaScript regular expression (${(err as Error).message})` });
    }
  });

const replaceBody = z
  .object({
    /** A JavaScript regular expression, applied to every match (flag g). */
    pattern,
    /** The replacement; $1, $& … as in String.prototype.replace. */
    with: z.string({ error: 'must be the replacement text' }).max(16 * 1024 * 1024),
    on: z.enum(['request', 'response'], { error: 'must be request or response' }).default('response'),
  })
  .strict();

const PARTS = ['url', 'setRequestHeaders', 'removeRequestHeaders', 'setResponseHeaders', 'removeResponseHeaders', 'status', 'replaceBody'] as const;

const given = (v: unknown) => v !== undefined && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0);

export const rewriteAction = z
  .object({
    type: z.literal('rewrite'),
    /** Map remote: the request goes to this scheme and host (and port); its path and query too when it gives them. */
    url: upstreamUrl.optional(),
    setRequestHeaders: setHeaders.optional(),
    removeRequestHeaders: removeHeaders('request').optional(),
    setResponseHeaders: setHeaders.optional(),
    removeResponseHeaders: removeHeaders('response').optional(),
    status: z.number().int().min(100).max(599).optional(),
    replaceBody: replaceBody.optional(),
  })
  .strict()
  .refine((a) => PARTS.some((p) => given(a[p])), { error: `give at least one of ${PARTS.join(', ')}` });

export type RewriteAction = z.output<typeof rewriteAction>;
