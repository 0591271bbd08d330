// `proxyscope import-har FILE`: a HAR 1.2 file read into a new session of the
// store (origin import), through the running instance or straight into
// sessions.db. Progress on stderr every tenth of the file; the session at the
// end on stdout. An invalid file is refused whole (exit 2), naming entry and field.
import { performance } from 'node:perf_hooks';
import { UsageError } from './cliOptions.js';
import { harFileSize, type OnProgress } from './harImportClient.js';
import { failure, withStore } from './storeClient.js';
import { parseImportHarCli } from './storeOptions.js';

const STEPS = 10;

/** A line each time another tenth of the file is read. */
function progressLines(file: string): OnProgress {
  let shown = 0;
  return ({ bytes, total, entries }) => {
    const step = total === 0 ? STEPS : Math.floor((bytes / total) * STEPS);
    if (step <= shown) return;
    shown = step;
    process.stderr.write(`proxyscope: importing ${file}: ${Math.round((step / STEPS) * 100)}% read, ${entries} entries\n`);
  };
}

export async function importHarCommand(argv: string[]): Promise<number> {
  try {
    const opts = parseImportHarCli(argv);
    const t0 = performance.now();
    await harFileSize(opts.file);
    const result = await withStore(opts.dataDir, (client) => client.importHar(opts.file, opts.name, progressLines(opts.file)), { create: true });
    if (!result.ok) {
      if (result.invalid) throw new UsageError(`cannot import ${opts.file}: ${result.error}; nothing was imported`);
      throw new Error(result.error);
    }
    const ms = Math.round((performance.now() - t0) * 1000) / 1000;
    const { session, count } = result;
    process.stdout.write(
      opts.json
        ? `${JSON.stringify({ event: 'imported', session: session.id, name: session.name, count, ms })}\n`
        : `Imported ${count} exchange${count === 1 ? '' : 's'} from ${opts.file} into session ${session.id} (${session.name})\n`,
    );
    return 0;
  } catch (err) {
    return failure(err);
  }
}
