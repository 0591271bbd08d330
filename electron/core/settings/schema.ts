// The one place that validates Runscope options. Names and defaults follow Kong's
// runscope plugin; every error names its field.
import { z } from 'zod';

export const RUNSCOPE_DEFAULTS = {
  bucket: '',
  access_token: '',
  log_body: false,
  api_endpoint: 'https://api.runscope.com',
  timeout: 10_000,
  keepalive: 30,
  redact_credentials: true,
} as const;

export interface RunscopeSettings {
  bucket: string;
  access_token: string;
  log_body: boolean;
  api_endpoint: string;
  timeout: number;
  keepalive: number;
  /** Proxyscope's own, beyond Kong's plugin: Authorization, Proxy-Authorization, Cookie and Set-Cookie values leave as [redacted]. */
  redact_credentials: boolean;
}

export const FIELD_MESSAGES = {
  bucket: 'bucket must be a string of at most 200 characters',
  access_token: 'access_token must be a string of at most 4096 characters',
  log_body: 'log_body must be true or false',
  api_endpoint: 'api_endpoint is not a url (expected http:// or https://)',
  timeout: 'timeout must be a positive integer (ms)',
  keepalive: 'keepalive must be a positive integer (ms)',
  redact_credentials: 'redact_credentials must be true or false',
} as const satisfies Record<keyof RunscopeSettings, string>;

const MAX_MS = 24 * 60 * 60 * 1000;

function isHttpUrl(value: string): boolean {
  if (value.length > 2048) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && !url.username && !url.password;
  } catch {
    return false;
  }
}

const ms = (field: 'timeout' | 'keepalive') =>
  z.number({ error: FIELD_MESSAGES[field] }).int({ error: FIELD_MESSAGES[field] }).positive({ error: FIELD_MESSAGES[field] }).max(MAX_MS, { error: `${field} must be at most ${MAX_MS} ms` });

const noControlChars = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);

/** A bucket key: the settings' rule, which a message's own bucket (a rule's, a replay's) follows too. */
const bucketKey = z.string({ error: FIELD_MESSAGES.bucket }).trim().max(200, { error: FIELD_MESSAGES.bucket }).refine(noControlChars, { error: 'bucket must not contain control characters' });

export const runscopeSettingsSchema = z
  .object({
    bucket: bucketKey,
    access_token: z.string({ error: FIELD_MESSAGES.access_token }).trim().max(4096, { error: FIELD_MESSAGES.access_token }).refine(noControlChars, { error: 'access_token must not contain control characters' }),
    log_body: z.boolean({ error: FIELD_MESSAGES.log_body }),
    api_endpoint: z.string({ error: FIELD_MESSAGES.api_endpoint }).trim().refine(isHttpUrl, { error: FIELD_MESSAGES.api_endpoint }),
    timeout: ms('timeout'),
    keepalive: ms('keepalive'),
    redact_credentials: z.boolean({ error: FIELD_MESSAGES.redact_credentials }),
  })
  .strict();

export type SettingsErrors = Partial<Record<string, string>>;

/**
 * Applies a partial update to the current settings and validates the result.
 * Unknown fields are refused by name. `access_token: null`/absent keeps the stored token.
 */
export function mergeSettings(
  current: RunscopeSettings,
  update: Record<string, unknown>,
): { ok: true; settings: RunscopeSettings } | { ok: false; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  if (update === null || typeof update !== 'object' || Array.isArray(update)) {
    return { ok: false, errors: { settings: 'settings must be an object' } };
  }
  for (const key of Object.keys(update)) {
    if (!Object.hasOwn(RUNSCOPE_DEFAULTS, key)) errors[key] = `${key.slice(0, 60)} is not a known setting`;
  }
  const candidate: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (!Object.hasOwn(RUNSCOPE_DEFAULTS, key)) continue;
    if (key === 'access_token' && (value === null || value === undefined)) continue;
    if (value === undefined) continue;
    candidate[key] = value;
  }
  const parsed = runscopeSettingsSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'settings');
      errors[field] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, settings: parsed.data };
}

/**
 * A message's own bucket, checked as the settings' bucket is and trimmed the
 * same way; unlike the settings' one it may not be empty, since empty there
 * means "forwarding off", not a bucket.
 */
export function parseBucketKey(value: unknown): { ok: true; bucket: string } | { ok: false; error: string } {
  const parsed = bucketKey.safeParse(value);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? FIELD_MESSAGES.bucket };
  if (parsed.data === '') return { ok: false, error: 'bucket must not be empty' };
  return { ok: true, bucket: parsed.data };
}

export function forwardingEnabled(s: RunscopeSettings): boolean {
  return s.bucket !== '' && s.access_token !== '';
}

export function forwardingNote(s: RunscopeSettings): string | null {
  if (s.bucket === '' && s.access_token === '') return 'forwarding off: no bucket and no access token';
  if (s.bucket === '') return 'forwarding off: bucket is required';
  if (s.access_token === '') return 'forwarding off: access_token is required';
  return null;
}

export function last4(token: string): string | null {
  return token === '' ? null : token.slice(-4);
}
