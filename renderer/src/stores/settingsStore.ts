// The settings form's server state: what the core holds (never the token) and
// the per-field errors of the last save.
import { create } from 'zustand';
import type { SaveSettingsResult, SettingsInput, SettingsView } from '../../../electron/core/api';

export type FieldErrors = Partial<Record<string, string>>;

export interface SettingsStore {
  saved: SettingsView | null;
  errors: FieldErrors;
  saving: boolean;
  notice: string | null;
  setSaved(view: SettingsView): void;
  save(input: SettingsInput, send: (input: SettingsInput) => Promise<SaveSettingsResult>): Promise<boolean>;
  setErrors(errors: FieldErrors): void;
}

export const useSettings = create<SettingsStore>()((set) => ({
  saved: null,
  errors: {},
  saving: false,
  notice: null,
  setSaved: (saved) => set({ saved }),
  setErrors: (errors) => set({ errors, notice: null }),
  async save(input, send) {
    set({ saving: true, notice: null });
    try {
      const result = await send(input);
      if (result.ok) {
        set({ saved: result.settings, errors: {}, saving: false, notice: 'Saved' });
        return true;
      }
      set({ errors: result.errors, saving: false, notice: 'Not saved: fix the fields marked' });
      return false;
    } catch (err) {
      set({ saving: false, errors: { settings: (err as Error).message }, notice: 'Not saved' });
      return false;
    }
  },
}));
