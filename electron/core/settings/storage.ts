// Settings at rest: settings.json (0600, no token) + the token in a SecretStore.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../files/writeFileAtomic.js';
import { RUNSCOPE_DEFAULTS, runscopeSettingsSchema, type RunscopeSettings } from './schema.js';
import type { SecretStore } from './secretStore.js';

export class SettingsStorage {
  private readonly path: string;
  constructor(dataDir: string, private readonly secrets: SecretStore) {
    this.path = join(dataDir, 'settings.json');
  }

  /** Stored settings; a missing or damaged file yields the defaults plus a warning. */
  async load(): Promise<{ settings: RunscopeSettings; warning: string | null }> {
    let stored: Record<string, unknown> = {};
    let warning: string | null = null;
    try {
      stored = JSON.parse(await readFile(this.path, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warning = `ignored ${this.path}: ${(err as Error).message}`;
    }
    const token = await this.secrets.load().catch((err: Error) => {
      warning = `could not read the stored access token (${this.secrets.kind}): ${err.message}`;
      return '';
    });
    const parsed = runscopeSettingsSchema.safeParse({ ...RUNSCOPE_DEFAULTS, ...stored, access_token: token });
    if (!parsed.success) {
      return { settings: { ...RUNSCOPE_DEFAULTS, access_token: token }, warning: `ignored invalid ${this.path}: ${parsed.error.issues[0]?.message}` };
    }
    return { settings: parsed.data, warning };
  }

  async save(settings: RunscopeSettings): Promise<void> {
    const { access_token, ...rest } = settings;
    await this.secrets.save(access_token);
    await writeFileAtomic(this.path, `${JSON.stringify(rest, null, 2)}\n`, 0o600);
  }
}
