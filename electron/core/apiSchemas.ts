// Runtime validation of every command argument arriving over a transport
// (IPC or WebSocket). The settings payload itself is validated by settings/schema.ts.
import { z } from 'zod';
import type { CommandName, DeliveryState, SortColumn } from './api.js';

const id = z.string().min(1).max(200);
const limit = z.number().int().positive().max(1_000_000).optional();
/** Every DeliveryState, checked against the type both ways (a missing or extra key fails to compile). */
const deliveryStates = Object.keys({ queued: 1, sent: 1, retrying: 1, failed: 1 } satisfies Record<DeliveryState, 1>) as [DeliveryState, ...DeliveryState[]];

const sessionId = z.number().int().positive();
const session = z.union([sessionId, z.literal('current'), z.literal('all')]);
const sessionName = z.string().trim().min(1).max(200);
// Long enough for a selection written as `id=… or id=…` (the UI's bulk actions, up to BULK_MAX rows).
const filter = z.string().max(32_000);
/** Rows a bulk action takes at once (the grid's selection). */
export const BULK_MAX = 500;
const ids = z.array(z.string().min(1).max(200)).min(1).max(BULK_MAX);
/** The most bytes one importHar step carries: its base64 stays within the 1 MiB a WebSocket message or a control request may hold. */
export const IMPORT_CHUNK_MAX_BYTES = 512 * 1024;
const base64Chunk = z
  .string()
  .max(Math.ceil(IMPORT_CHUNK_MAX_BYTES / 3) * 4, `is over ${IMPORT_CHUNK_MAX_BYTES} bytes: send the file in smaller chunks`)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'is not base64');
const sortColumns = Object.keys({
  startedAt: 1, method: 1, host: 1, path: 1, url: 1, status: 1, contentType: 1, requestBytes: 1, responseBytes: 1, durationMs: 1, delivery: 1, httpVersion: 1,
} satisfies Record<SortColumn, 1>) as [SortColumn, ...SortColumn[]];

// A paused exchange's edits: what Node would refuse to send is refused here, naming the field.
const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerName = z.string().max(256).regex(token, { error: 'must be an HTTP header name' });
const headerValue = z.string().max(65_536).regex(/^[\t\x20-\x7e\x80-\xff]*$/, { error: 'must be a header value (no CR, LF, NUL or other control characters)' });
const headerList = z.array(z.tuple([headerName, headerValue], { error: 'must be a [name, value] pair' }), { error: 'must be a list of [name, value] pairs' }).max(1000);
const MAX_EDIT_BODY = 16 * 1024 * 1024;
const bodyText = z.string({ error: 'must be text' }).max(MAX_EDIT_BODY);
const bodyBase64 = z.string({ error: 'must be base64 text' }).max(Math.ceil(MAX_EDIT_BODY / 3) * 4).regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'must be base64' });
const status = z.number({ error: 'must be an HTTP status (100-599)' }).int({ error: 'must be an HTTP status (100-599)' }).min(100, { error: 'must be an HTTP status (100-599)' }).max(599, { error: 'must be an HTTP status (100-599)' });
const oneBody = { error: 'give body or bodyBase64, not both', path: ['bodyBase64'] };
const requestChanges = z
  .object({
    method: z.string().max(64).regex(token, { error: 'must be an HTTP method' }).optional(),
    url: z.string().max(65_536).regex(/^https?:\/\/\S+$/i, { error: 'must be an absolute http(s) URL' }).optional(),
    headers: headerList.optional(),
    body: bodyText.optional(),
    bodyBase64: bodyBase64.optional(),
  })
  .strict()
  .refine((c) => c.body === undefined || c.bodyBase64 === undefined, oneBody);
const responseChanges = z
  .object({
    status: status.optional(),
    reason: z.string().max(200).regex(/^[\t\x20-\x7e\x80-\xff]*$/, { error: 'must be a reason phrase (no CR, LF or control characters)' }).optional(),
    headers: headerList.optional(),
    body: bodyText.optional(),
    bodyBase64: bodyBase64.optional(),
  })
  .strict()
  .refine((c) => c.body === undefined || c.bodyBase64 === undefined, oneBody);

export const commandArgSchemas = {
  getSettings: z.undefined(),
  saveSettings: z.record(z.string(), z.unknown()),
  getStatus: z.undefined(),
  getCaptureSettings: z.undefined(),
  // Each field is checked by settings/captureSettings.ts, which names it.
  saveCaptureSettings: z.record(z.string(), z.unknown()),
  getProxySettings: z.undefined(),
  saveProxySettings: z.object({ port: z.unknown() }).strict(),
  listExchanges: z.object({ limit }).strict(),
  getExchange: z.object({ id }).strict(),
  getDelivery: z.object({ exchangeId: id }).strict(),
  listDeliveries: z
    .object({ limit, state: z.enum(deliveryStates).optional() })
    .strict(),
  clearTraffic: z.undefined(),
  retryDelivery: z.object({ exchangeId: id }).strict(),
  exportCa: z.undefined(),
  exportHar: z.object({ session: session.optional(), filter: filter.optional() }).strict(),
  queryExchanges: z
    .object({
      session: session.optional(),
      filter: filter.optional(),
      sort: z.enum(sortColumns).optional(),
      order: z.enum(['asc', 'desc']).optional(),
      offset: z.number().int().min(0).max(1_000_000_000).optional(),
      limit: z.number().int().positive().max(1000).optional(),
    })
    .strict(),
  deleteExchanges: z.object({ ids }).strict(),
  pinExchanges: z.object({ ids, pinned: z.boolean() }).strict(),
  countExchanges: z.object({ session: session.optional(), filter: filter.optional(), quick: z.boolean().optional() }).strict(),
  listSessions: z.undefined(),
  newSession: z.object({ name: sessionName.optional() }).strict(),
  renameSession: z.object({ id: sessionId, name: sessionName }).strict(),
  deleteSession: z.object({ id: sessionId }).strict(),
  importHar: z
    .object({ id: sessionId.optional(), name: sessionName.optional(), chunk: base64Chunk.optional(), last: z.boolean().optional(), abort: z.literal(true).optional() })
    .strict()
    .refine((q) => q.id !== undefined || q.name !== undefined, { path: ['name'], message: 'is required to start an import (no id)' }),
  forwardExchanges: z.object({ session: session.optional(), filter: filter.optional(), bucket: z.string().max(200).optional() }).strict(),
  forwardProgress: z.object({ job: z.string().min(1).max(64) }).strict(),
  filterSuggestions: z.object({ field: z.enum(['host', 'method', 'status', 'type']), prefix: z.string().max(200).optional() }).strict(),
  listBrowsers: z.undefined(),
  sendTestMessage: z.undefined(),
  openBrowser: z.object({ url: z.string().max(8192).refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), { error: 'must be an http(s) URL' }).optional() }).strict(),
  resendExchange: z
    .object({
      id,
      request: z
        .object({
          method: z.string().min(1).max(100).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'must be an HTTP method' }).optional(),
          url: z.string().max(65_536).refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), { error: 'must be an http(s) URL' }).optional(),
          headers: z.array(z.tuple([z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'must be an HTTP header name' }), z.string().max(65_536).refine((v) => !/[\r\n\0]/.test(v), { error: 'must not contain CR, LF or NUL' })])).max(500).optional(),
          body: z.string().max(16 * 1024 * 1024).optional(),
          bodyBase64: z.string().max(22 * 1024 * 1024).optional(),
        })
        .strict()
        .refine((r) => r.body === undefined || r.bodyBase64 === undefined, { error: 'give body or bodyBase64, not both' })
        .optional(),
    })
    .strict(),
  getCollector: z.undefined(),
  setCollector: z.object({ enabled: z.boolean(), port: z.number().int().min(0).max(65535).optional() }).strict(),
  getRules: z.undefined(),
  // Each rule is checked by the rules' own validation, which names the rule and field.
  saveRules: z.object({ rules: z.array(z.unknown()).max(1000) }).strict(),
  listPaused: z.undefined(),
  listOpen: z.undefined(),
  resumePaused: z
    .object({ id, request: requestChanges.optional(), response: responseChanges.optional() })
    .strict()
    .refine((a) => a.request === undefined || a.response === undefined, { error: 'give request or response changes, not both (an exchange is paused at one of them)', path: ['response'] }),
  dropPaused: z.object({ id }).strict(),
  respondPaused: z
    .object({ id, status, headers: headerList.optional(), body: bodyText.optional(), bodyBase64: bodyBase64.optional() })
    .strict()
    .refine((a) => a.body === undefined || a.bodyBase64 === undefined, oneBody),
} satisfies Record<CommandName, z.ZodType>;

function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commandArgSchemas, name);
}

/** Validates a transport request; returns the parsed argument or a message naming what is wrong. */
export function parseCommand(
  name: unknown,
  arg: unknown,
): { ok: true; name: CommandName; arg: unknown } | { ok: false; error: string } {
  if (!isCommandName(name)) return { ok: false, error: `unknown command: ${String(name).slice(0, 60)}` };
  const parsed = commandArgSchemas[name].safeParse(arg ?? undefined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'argument';
    return { ok: false, error: `${name}: ${where} ${issue?.message ?? 'is invalid'}` };
  }
  return { ok: true, name, arg: parsed.data };
}
