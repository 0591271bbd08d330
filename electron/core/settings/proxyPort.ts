// The proxy port saved in Settings (proxy.json), used at the next start when
// no explicit port is given.
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './jsonFile.js';

export const PROXY_FILE = 'proxy.json';
export const DEFAULT_PROXY_PORT = 8080;

const PORT_ERROR = 'port must be a whole number from 1 to 65535';
/** 0 ("any free port") is a flag's choice for one run, not something to save. */
export const portSchema = z.number({ error: PORT_ERROR }).int({ error: PORT_ERROR }).min(1, { error: PORT_ERROR }).max(65535, { error: PORT_ERROR });

export class ProxyPortStorage {
  readonly path: string;
  constructor(dataDir: string) {
    this.path = join(dataDir, PROXY_FILE);
  }

  async load(): Promise<{ port: number; warning: string | null }> {
    const { value, warning } = await readJsonFile(this.path);
    if (value.port === undefined) return { port: DEFAULT_PROXY_PORT, warning };
    const parsed = portSchema.safeParse(value.port);
    return parsed.success ? { port: parsed.data, warning } : { port: DEFAULT_PROXY_PORT, warning: `ignored the port in ${this.path}: ${PORT_ERROR}` };
  }

  save(port: number): Promise<void> {
    return writeJsonFile(this.path, { port });
  }
}
