// The OS's per-user app-data folder, the same one Electron's app.getPath('userData') uses.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(platform = process.platform, env = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Proxyscope');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Proxyscope');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'Proxyscope');
}
