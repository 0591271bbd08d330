// getCaptureSettings / saveCaptureSettings: the editable capture limits, saved
// to capture.json and applied to new exchanges at once. A field a flag set for
// this run keeps the flag's value until the next start; its saved value is
// what later starts without the flag use.
import type { CaptureField, CaptureSettings, CaptureSettingsView, CommandHandlers } from './api.js';
import { CAPTURE_FIELDS, CAPTURE_FLAGS, mergeCapture, type CaptureStorage } from './settings/captureSettings.js';

export interface CaptureDeps {
  storage: CaptureStorage;
  /** What capture.json held at start (over the defaults). */
  saved: CaptureSettings;
  /** The values flags (or the caller of startApp) gave for this run. */
  flags: Partial<CaptureSettings>;
  sessionStore: boolean;
  /** Puts values in force for new exchanges and the stores' bounds. */
  apply(values: CaptureSettings): Promise<void>;
  statusChanged(): void;
}

/** The values a run uses: each flag's over the saved one. */
export function effectiveCapture(saved: CaptureSettings, flags: Partial<CaptureSettings>): CaptureSettings {
  const out = { ...saved };
  for (const f of CAPTURE_FIELDS) if (flags[f] !== undefined) out[f] = flags[f];
  return out;
}

export function captureCommands(d: CaptureDeps): Pick<CommandHandlers, 'getCaptureSettings' | 'saveCaptureSettings'> {
  let saved = d.saved;
  const fromFlag: Partial<Record<CaptureField, string>> = {};
  for (const f of CAPTURE_FIELDS) if (d.flags[f] !== undefined) fromFlag[f] = CAPTURE_FLAGS[f];
  const view = (): CaptureSettingsView => ({ values: effectiveCapture(saved, d.flags), fromFlag: { ...fromFlag }, sessionStore: d.sessionStore });
  let saving: Promise<unknown> = Promise.resolve();
  return {
    getCaptureSettings: view,
    saveCaptureSettings: (input) => {
      // One save at a time, so two quick saves cannot interleave their writes.
      const result = saving.then(async () => {
        const merged = mergeCapture(saved, input);
        if (!merged.ok) return { ok: false as const, errors: merged.errors };
        try {
          await d.storage.save(merged.values);
        } catch (err) {
          return { ok: false as const, errors: { capture: `capture settings could not be saved: ${(err as Error).message}` } };
        }
        saved = merged.values;
        await d.apply(effectiveCapture(saved, d.flags));
        d.statusChanged();
        return { ok: true as const, view: view() };
      });
      saving = result.catch(() => undefined);
      return result;
    },
  };
}
