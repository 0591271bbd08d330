// Runs `proxyscope query` / `export-har` as child processes of the built CLI.
import { runCli } from './headlessProcess.js';

/** The keys of a `query --json` row (the CLI contract). */
export const ROW_KEYS = ['id', 'session', 'method', 'url', 'status', 'durationMs', 'requestSize', 'responseSize', 'startedAt'] as const;

export const query = (dataDir: string, args: string[]) => runCli(['query', '--data-dir', dataDir, ...args]).done;
export const exportHar = (dataDir: string, args: string[]) => runCli(['export-har', '--data-dir', dataDir, ...args]).done;

export function jsonLines(stdout: string): Array<Record<string, any>> {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, any>);
}
