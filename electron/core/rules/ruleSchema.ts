// Rules as plain data (issue #20): what a rules file, the Rules view and the
// rules commands exchange. Validated here, field by field; what each action
// does lives in the rules addon, apart from these definitions.
import { z } from 'zod';
import { headerName, headerValue } from './httpFields.js';
import { rewriteAction } from './rewriteSchema.js';

/** The version written in rules files; a file of another version is refused. */
export const RULES_VERSION = 1;

const names = (what: string) => z.array(z.string().min(1, { error: `${what} must not be empty` }).max(200)).max(100);

const passthrough = z.object({ type: z.literal('passthrough') }).strict();
const noRecord = z.object({ type: z.literal('no-record') }).strict();
const noForward = z.object({ type: z.literal('no-forward') }).strict();
const bucket = z
  .object({
    type: z.literal('bucket'),
    bucket: z.string().trim().min(1, { error: 'must be a bucket key' }).max(200).regex(/^[A-Za-z0-9_-]+$/, { error: 'must be a bucket key (letters, digits, _ and -)' }),
  })
  .strict();
const redact = z
  .object({
    type: z.literal('redact'),
    headers: z.array(headerName).max(100).default([]),
    query: names('a query parameter name').default([]),
    /** Field names anywhere in a JSON body, or `$.a.b` paths. */
    json: names('a JSON field').default([]),
    where: z.enum(['forward', 'everywhere']).default('forward'),
  })
  .strict()
  .refine((a) => a.headers.length + a.query.length + a.json.length > 0, { error: 'name at least one of headers, query or json', path: ['headers'] });
const mock = z
  .object({
    type: z.literal('mock'),
    status: z.number().int().min(100).max(599).default(200),
    headers: z.record(headerName, headerValue).default({}),
    body: z.string().max(16 * 1024 * 1024).optional(),
    /** A file whose bytes are the body, read when the rule matches. */
    file: z.string().min(1).max(4096).optional(),
  })
  .strict()
  .refine((a) => a.body === undefined || a.file === undefined, { error: 'give body or file, not both', path: ['file'] });
const delay = z
  .object({
    type: z.literal('delay'),
    ms: z.number().int().min(1).max(600_000).optional(),
    // kbit/s (1000 bits) for the response body: 1 kbps to 10 Gbps.
    kbps: z.number().min(1).max(10_000_000).optional(),
  })
  .strict()
  .refine((a) => a.ms !== undefined || a.kbps !== undefined, { error: 'give ms (a wait before the request goes) and/or kbps (a throttle on the response body)', path: ['ms'] });
/**
 * Holds the exchange until the user resumes, edits, answers or drops it: at its
 * request (before the upstream is asked), its response (before the client gets
 * it), or both. Decided when the request headers arrive, for either phase.
 */
const breakpoint = z
  .object({ type: z.literal('breakpoint'), on: z.enum(['request', 'response', 'both'], { error: 'must be request, response or both' }).default('request') })
  .strict();
const alert = z
  .object({
    type: z.literal('alert'),
    notify: z.boolean().default(true),
    /** At most this many alerts a second for the rule; the rest are counted and summarised. */
    perSecond: z.number().int().min(1).max(1000).default(1),
    /** One JSON POST per alert to this URL, kept until it is answered 2xx (alerts/webhookQueue.ts). */
    webhook: z
      .string()
      .max(2048)
      .refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), { error: 'must be an http(s) URL' })
      .optional(),
  })
  .strict();

export const actionSchema = z.discriminatedUnion('type', [passthrough, noRecord, noForward, bucket, redact, mock, delay, breakpoint, alert, rewriteAction], {
  error: 'type must be one of passthrough, no-record, no-forward, bucket, redact, mock, delay, breakpoint, alert, rewrite',
});

export const ruleSchema = z
  .object({
    name: z.string({ error: 'must be a string' }).trim().min(1, { error: 'must not be empty' }).max(200),
    enabled: z.boolean({ error: 'must be true or false' }).default(true),
    /** A filter expression (docs/filter-language.md); empty matches everything. */
    match: z.string({ error: 'must be a filter expression (a string)' }).max(10_000),
    action: actionSchema,
  })
  .strict();

export const rulesFileSchema = z
  .object({
    version: z.literal(RULES_VERSION, { error: `must be ${RULES_VERSION}` }).default(RULES_VERSION),
    rules: z.array(z.unknown(), { error: 'must be a list of rules' }).max(1000),
  })
  .strict();

export type RuleAction = z.output<typeof actionSchema>;
export type Rule = z.output<typeof ruleSchema>;
/** A rule as written: defaults may be left out. */
export type RuleInput = z.input<typeof ruleSchema>;
export type ActionType = RuleAction['type'];
