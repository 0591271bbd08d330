// The command lines of `proxyscope query`, `export-har`, `import-har` and `forward`. Like the
// headless one, every refusal is a UsageError (exit 2) naming its flag; a filter
// that does not parse is refused here too, before any store is opened.
import { basename, isAbsolute, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import type { ExchangeQuery } from '../core/api.js';
import { formatFilterError, parseFilter } from '../core/filter/index.js';
import { integer, UsageError } from './cliOptions.js';
import { defaultDataDir } from './defaultDataDir.js';

export type SessionScope = NonNullable<ExchangeQuery['session']>;

export interface StoreScope {
  dataDir: string;
  session: SessionScope;
  /** Filter language text ('' selects all). */
  filter: string;
}

export interface QueryOptions extends StoreScope {
  /** null: every match. */
  limit: number | null;
  json: boolean;
}

export interface ExportHarOptions extends StoreScope {
  /** Absolute path of the HAR file to write. */
  output: string;
}

export interface ForwardOptions extends StoreScope {
  /** undefined: the settings' bucket. */
  bucket: string | undefined;
  json: boolean;
}

export interface ImportHarOptions {
  dataDir: string;
  /** Absolute path of the HAR file to read. */
  file: string;
  /** The new session's name (default: "Imported <file name>"). */
  name: string;
  json: boolean;
}

/** What a session name may be (apiSchemas.ts's sessionName). */
const NAME_MAX = 200;

const absolute = (p: string) => (isAbsolute(p) ? p : resolve(p));

function command(name: string, description: string): Command {
  return new Command(`proxyscope ${name}`)
    .description(description)
    .option('--data-dir <dir>', 'the data dir of the Proxyscope whose traffic to read', defaultDataDir())
    .option('--session <which>', 'current, all, or a session id', 'current')
    .argument('[filter...]', 'filter language; several words are joined with spaces, a word with one leading dash negates (-path^=/health); none selects every exchange')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) });
}

export function buildQueryCommand(): Command {
  return command('query', 'Print the stored exchanges a filter selects, oldest first.')
    .option('--limit <n>', 'print at most this many (default: every match)')
    .option('--json', 'one JSON object per exchange, then a count line');
}

export function buildExportHarCommand(): Command {
  return command('export-har', 'Write the stored exchanges a filter selects to a HAR 1.2 file.').requiredOption('-o, --output <file>', 'the HAR file to write');
}

export function buildForwardCommand(): Command {
  return command('forward', 'Send the stored exchanges a filter selects to Runscope (the settings\' bucket or --bucket) through the running instance\'s outbox, and follow them until sent.')
    .option('--bucket <key>', 'the bucket to send to (default: the one in the settings)')
    .option('--json', 'one JSON line per progress step: {"event":"progress",...counts}, then {"event":"forwarded",...}');
}

export function parseForwardCli(argv: string[]): ForwardOptions {
  const { opts, scope } = parse(buildForwardCommand(), argv);
  return { ...scope, bucket: opts.bucket === undefined ? undefined : String(opts.bucket), json: Boolean(opts.json) };
}

function session(value: string): SessionScope {
  if (value === 'current' || value === 'all') return value;
  const id = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new UsageError('--session must be current, all or a session id (a positive integer)');
  return id;
}

/**
 * Splits argv into the command's own flags and the filter's words. The filter
 * language writes "not" as a leading dash (`-path^=/health`), so a word with one
 * dash that is not exactly a short flag of the command (`-o`, `-h`) is a filter
 * word; `--` ends the flags.
 */
export function splitArgv(cmd: Command, argv: string[]): { flags: string[]; words: string[] } {
  const flags: string[] = [];
  const words: string[] = [];
  const taking = new Set(cmd.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))));
  const shorts = new Set([...cmd.options.map((o) => o.short), '-h'].filter(Boolean));
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (word.startsWith('--') || shorts.has(word)) {
      flags.push(word);
      // A value in the next word (`--limit 5`, `-o file`), unless glued on (`--limit=5`).
      if (taking.has(word) && i + 1 < argv.length) flags.push(argv[++i]!);
    } else words.push(word);
  }
  return { flags, words };
}

/** Parses argv into the command's options and its filter. Throws UsageError, or CommanderError for --help. */
function parse(cmd: Command, argv: string[]): { opts: Record<string, string | boolean | undefined>; scope: StoreScope } {
  const { flags, words } = splitArgv(cmd, argv);
  try {
    cmd.parse(flags, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode !== 0) throw new UsageError(err.message.replace(/^error: /, ''));
    throw err;
  }
  const opts = cmd.opts<Record<string, string | boolean | undefined>>();
  const filter = words.join(' ');
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new UsageError(formatFilterError(parsed.error));
  return { opts, scope: { dataDir: absolute(String(opts.dataDir)), session: session(String(opts.session)), filter } };
}

export function parseQueryCli(argv: string[]): QueryOptions {
  const { opts, scope } = parse(buildQueryCommand(), argv);
  const limit = opts.limit === undefined ? null : integer('--limit', String(opts.limit), { min: 1, max: Number.MAX_SAFE_INTEGER });
  return { ...scope, limit, json: Boolean(opts.json) };
}

export function parseExportHarCli(argv: string[]): ExportHarOptions {
  const { opts, scope } = parse(buildExportHarCommand(), argv);
  return { ...scope, output: absolute(String(opts.output)) };
}

export function buildImportHarCommand(): Command {
  return new Command('proxyscope import-har')
    .description('Read a HAR 1.2 file into a new session of the store (origin import): all of it, or nothing if any entry is invalid.')
    .argument('<file>', 'the HAR file to read')
    .option('--data-dir <dir>', 'the data dir of the Proxyscope to import into', defaultDataDir())
    .option('--name <name>', 'the new session\'s name (default: "Imported <file name>")')
    .option('--json', 'end with one JSON line: {"event":"imported","session","name","count","ms"}')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) });
}

export function parseImportHarCli(argv: string[]): ImportHarOptions {
  const cmd = buildImportHarCommand();
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode !== 0) throw new UsageError(err.message.replace(/^error: /, ''));
    throw err;
  }
  const opts = cmd.opts<{ dataDir: string; name?: string; json?: boolean }>();
  const file = absolute(cmd.args[0]!);
  const name = opts.name === undefined ? `Imported ${basename(file)}`.slice(0, NAME_MAX) : opts.name.trim();
  if (name === '' || name.length > NAME_MAX) throw new UsageError(`--name must be 1 to ${NAME_MAX} characters`);
  return { dataDir: absolute(opts.dataDir), file, name, json: Boolean(opts.json) };
}
