// `proxyscope export-har -o FILE`: the stored exchanges a filter selects, as a
// HAR 1.2 file (0600: it holds whatever the traffic held, cookies and tokens too).
import { formatFilterError } from '../core/filter/index.js';
import { writeFileAtomic } from '../core/files/writeFileAtomic.js';
import { UsageError } from './cliOptions.js';
import { failure, withStore } from './storeClient.js';
import { parseExportHarCli } from './storeOptions.js';

export async function exportHarCommand(argv: string[]): Promise<number> {
  try {
    const opts = parseExportHarCli(argv);
    const result = await withStore(opts.dataDir, (client) => client.exportHar({ session: opts.session, filter: opts.filter }));
    if (!result.ok) throw new UsageError(formatFilterError({ column: result.column, message: result.error }));
    await writeFileAtomic(opts.output, result.har, 0o600);
    process.stdout.write(`Exported ${result.count} exchange${result.count === 1 ? '' : 's'} to ${opts.output}\n`);
    return 0;
  } catch (err) {
    return failure(err);
  }
}
