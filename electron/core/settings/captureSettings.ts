// The capture limits the Settings view edits, at rest in capture.json. A
// command-line flag for one of them wins over the saved value for that run.
import { join } from 'node:path';
import { z } from 'zod';
import type { CaptureField, CaptureSettings } from '../api.js';
import { CAPTURE_DEFAULTS } from './captureLimits.js';
import { readJsonFile, writeJsonFile } from './jsonFile.js';

export const CAPTURE_FILE = 'capture.json';

/** Each editable field and the flag that sets it for a run. */
export const CAPTURE_FLAGS: Record<CaptureField, string> = {
  maxBodyBytes: '--max-body-bytes',
  storeMaxExchanges: '--store-max-exchanges',
  storedMaxExchanges: '--max-stored-exchanges',
  storedMaxBytes: '--max-stored-bytes',
};
export const CAPTURE_FIELDS = Object.keys(CAPTURE_FLAGS) as CaptureField[];

const whole = (field: CaptureField, min: 0 | 1) => {
  const error = `${field} must be a whole number ${min === 0 ? 'of 0 or more' : 'of 1 or more'}`;
  return z.number({ error }).int({ error }).min(min, { error });
};

const fieldSchemas: Record<CaptureField, z.ZodNumber> = {
  maxBodyBytes: whole('maxBodyBytes', 0),
  storeMaxExchanges: whole('storeMaxExchanges', 1),
  storedMaxExchanges: whole('storedMaxExchanges', 1),
  storedMaxBytes: whole('storedMaxBytes', 1),
};

export function captureDefaults(): CaptureSettings {
  return Object.fromEntries(CAPTURE_FIELDS.map((f) => [f, CAPTURE_DEFAULTS[f]])) as unknown as CaptureSettings;
}

/**
 * Applies an update to the saved values and checks it: every problem named by
 * its field, unknown fields refused; on any problem nothing of it is taken.
 */
export function mergeCapture(
  current: CaptureSettings,
  update: unknown,
): { ok: true; values: CaptureSettings } | { ok: false; errors: Partial<Record<string, string>> } {
  if (update === null || typeof update !== 'object' || Array.isArray(update)) return { ok: false, errors: { capture: 'capture settings must be an object' } };
  const errors: Partial<Record<string, string>> = {};
  const next: CaptureSettings = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (!Object.hasOwn(fieldSchemas, key)) {
      errors[key.slice(0, 60)] = `${key.slice(0, 60)} is not a capture setting`;
      continue;
    }
    if (value === undefined) continue;
    const parsed = fieldSchemas[key as CaptureField].safeParse(value);
    if (parsed.success) next[key as CaptureField] = parsed.data;
    else errors[key] = parsed.error.issues[0]?.message ?? `${key} is invalid`;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, values: next };
}

export class CaptureStorage {
  readonly path: string;
  constructor(dataDir: string) {
    this.path = join(dataDir, CAPTURE_FILE);
  }

  /** The saved values over the defaults; a damaged file or field is ignored with a warning. */
  async load(): Promise<{ values: CaptureSettings; warning: string | null }> {
    const { value, warning } = await readJsonFile(this.path);
    const values = captureDefaults();
    const bad: string[] = [];
    for (const field of CAPTURE_FIELDS) {
      if (value[field] === undefined) continue;
      const parsed = fieldSchemas[field].safeParse(value[field]);
      if (parsed.success) values[field] = parsed.data;
      else bad.push(field);
    }
    return { values, warning: warning ?? (bad.length ? `ignored ${bad.join(', ')} in ${this.path}: not valid` : null) };
  }

  save(values: CaptureSettings): Promise<void> {
    return writeJsonFile(this.path, values);
  }
}
