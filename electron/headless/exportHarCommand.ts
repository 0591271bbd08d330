// `proxyscope export-har -o FILE`: the stored exchanges a filter selects, as a
// HAR 1.2 file of any size (harFile.ts).
import { formatFilterError } from '../core/filter/index.js';
import { UsageError } from './cliOptions.js';
import { failure, withStore } from './storeClient.js';
import { parseExportHarCli } from './storeOptions.js';

export async function exportHarCommand(argv: string[]): Promise<number> {
  try {
    const opts = parseExportHarCli(argv);
    const result = await withStore(opts.dataDir, (client) => client.exportHar({ session: opts.session, filter: opts.filter }, opts.output));
    if (!result.ok) throw new UsageError(formatFilterError({ column: result.column, message: result.error }));
    process.stdout.write(`Exported ${result.count} exchange${result.count === 1 ? '' : 's'} to ${opts.output}\n`);
    return 0;
  } catch (err) {
    return failure(err);
  }
}
