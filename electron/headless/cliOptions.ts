// Parses and validates the headless command line. Every refusal names its flag.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { CAPTURE_DEFAULTS, type CaptureLimits } from '../core/settings/captureLimits.js';
import { mergeSettings, RUNSCOPE_DEFAULTS, type RunscopeSettings } from '../core/settings/schema.js';
import type { Rule } from '../core/rules/ruleSchema.js';
import { describeProblem, parseRulesFile } from '../core/rules/validateRules.js';
import { defaultDataDir } from './defaultDataDir.js';

export interface CliOptions {
  port: number;
  /** --port was given: that port or a failed start. Without it the saved port is used (or the next free one). */
  portGiven: boolean;
  host: string;
  allowRemote: boolean;
  dataDir: string;
  /** --ca-dir: a CA shared with other data dirs; undefined: the env PROXYSCOPE_CA_DIR, else DATA_DIR/ca. */
  caDir: string | undefined;
  json: boolean;
  quiet: boolean;
  ui: boolean;
  uiPort: number;
  overrides: Partial<RunscopeSettings>;
  limits: Partial<CaptureLimits>;
  /** The limits whose flag was given (the rest are defaults, which saved Settings values replace). */
  limitsGiven: Array<keyof CaptureLimits>;
  newSession: boolean;
  sessionStore: boolean;
  /** --rules FILE: the rules for this run instead of the saved ones; null without the flag. */
  rules: { rules: Rule[]; file: string } | null;
  /** --collector: its port and token (null: the stored or a generated one); null without the flag. */
  collector: { port: number; token: string | null } | null;
}

export class UsageError extends Error {}

function collectorOf(o: Record<string, unknown>, argv: readonly string[]): CliOptions['collector'] {
  const port = integer('--collector-port', String(o.collectorPort), { min: 0, max: 65535 });
  const token = o.collectorToken === undefined ? null : String(o.collectorToken);
  if (token !== null && !/^[\x21-\x7e]{16,512}$/.test(token)) throw new UsageError('--collector-token must be 16 to 512 printable characters, without spaces');
  if (!o.collector) {
    if (o.collectorToken !== undefined || argv.some((a) => a === '--collector-port' || a.startsWith('--collector-port='))) throw new UsageError('--collector-port and --collector-token need --collector');
    return null;
  }
  return { port, token };
}

/** Reads and checks a rules file; a problem is a usage error naming the file, the rule and the field. */
export function rulesFromFile(file: string): Rule[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--rules ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const parsed = parseRulesFile(text);
  if (!parsed.ok) throw new UsageError(`--rules ${file}: ${parsed.problems.map(describeProblem).join('; ')}`);
  return parsed.rules;
}

const FLAG_OF: Record<string, string> = {
  bucket: '--bucket',
  access_token: '--access-token',
  log_body: '--log-body',
  api_endpoint: '--api-endpoint',
  timeout: '--timeout',
  keepalive: '--keepalive',
  redact_credentials: '--no-redact-credentials',
};

/** Commander's key of each limit flag, and the limit it sets. */
const LIMIT_OPTIONS: Array<[string, keyof CaptureLimits]> = [
  ['maxBodyBytes', 'maxBodyBytes'],
  ['storeMaxExchanges', 'storeMaxExchanges'],
  ['storeMaxBytes', 'storeMaxBytes'],
  ['maxStoredExchanges', 'storedMaxExchanges'],
  ['maxStoredBytes', 'storedMaxBytes'],
  ['outboxMaxMessages', 'outboxMaxMessages'],
  ['outboxMaxBytes', 'outboxMaxBytes'],
  ['upstreamTimeout', 'upstreamTimeout'],
  ['clientHeadersTimeout', 'clientHeadersTimeout'],
  ['allowInsecureUpstream', 'insecureUpstreamHosts'],
  ['breakpointTimeout', 'breakpointTimeout'],
];

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function integer(flag: string, value: string, { min, max }: { min: number; max: number }): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(min === 0 || max < Number.MAX_SAFE_INTEGER ? `${flag} must be an integer from ${min} to ${max}` : `${flag} must be a positive integer`);
  }
  return n;
}

/** Numbers pass through as numbers, anything else as text, so the settings schema names the problem. */
function numeric(value: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
}

export function buildCommand(): Command {
  return new Command('proxyscope')
    .description('Proxyscope headless: a local MITM proxy that captures HTTP(S) and forwards each exchange to a Runscope-compatible collector.')
    .option('--headless', 'run without the desktop window (always the case for this command)')
    .option('--port <n>', 'proxy port (0 picks a free one); without it the port saved in Settings, or the next free one when that is busy', '8080')
    .option('--host <addr>', 'proxy and UI listen address', '127.0.0.1')
    .option('--allow-remote', 'allow --host to be a non-loopback address (anyone who can reach it can use the proxy)')
    .option('--data-dir <dir>', 'CA, settings and outbox folder', defaultDataDir())
    .option('--ca-dir <dir>', 'CA folder to use instead of DATA_DIR/ca, so data dirs can share one trusted CA (or env PROXYSCOPE_CA_DIR)')
    .option('--bucket <key>', 'Runscope bucket key')
    .option('--access-token <token>', 'Runscope access token (or env RUNSCOPE_ACCESS_TOKEN)')
    .option('--log-body', 'send request and response bodies')
    .option('--no-log-body', 'do not send bodies (default)')
    .option('--api-endpoint <url>', `Runscope API endpoint (default ${RUNSCOPE_DEFAULTS.api_endpoint})`)
    .option('--timeout <ms>', `per-attempt deadline for a POST to the API (default ${RUNSCOPE_DEFAULTS.timeout})`)
    .option('--keepalive <ms>', `idle life of a pooled API connection (default ${RUNSCOPE_DEFAULTS.keepalive})`)
    .option('--no-redact-credentials', 'forward Authorization, Proxy-Authorization, Cookie and Set-Cookie values as they were (default: [redacted])')
    .option('--collector', 'also be a Runscope-compatible collector: POST /buckets/{bucket}/messages')
    .option('--collector-port <n>', 'port of the collector (0 picks a free one)', '8082')
    .option('--collector-token <token>', 'bearer token the collector asks for (default: generated once, kept in the data dir)')
    .option('--rules <file>', 'rules for this run, JSON {"version":1,"rules":[…]} (instead of the saved ones)')
    .option('--ui-port <n>', 'port of the web UI (0 picks a free one)', '8081')
    .option('--no-ui', 'do not serve the web UI')
    .option('--max-body-bytes <n>', 'bytes kept per captured body', String(CAPTURE_DEFAULTS.maxBodyBytes))
    .option('--store-max-exchanges <n>', 'exchanges cached in memory (all are stored on disk)', String(CAPTURE_DEFAULTS.storeMaxExchanges))
    .option('--store-max-bytes <n>', 'captured body bytes cached in memory', String(CAPTURE_DEFAULTS.storeMaxBytes))
    .option('--max-stored-exchanges <n>', 'session store retention: exchanges kept on disk across sessions (oldest go first)', String(CAPTURE_DEFAULTS.storedMaxExchanges))
    .option('--max-stored-bytes <n>', 'session store retention: bytes kept on disk', String(CAPTURE_DEFAULTS.storedMaxBytes))
    .option('--new-session', 'start a new session instead of continuing the last one')
    .option('--no-session-store', 'write no traffic to disk (only the outbox, when forwarding): keep the newest exchanges in memory')
    .option('--outbox-max-messages <n>', 'outbox bound (messages)', String(CAPTURE_DEFAULTS.outboxMaxMessages))
    .option('--outbox-max-bytes <n>', 'outbox bound (bytes)', String(CAPTURE_DEFAULTS.outboxMaxBytes))
    .option('--upstream-timeout <ms>', 'deadline for an upstream response, then 504', String(CAPTURE_DEFAULTS.upstreamTimeout))
    .option('--client-headers-timeout <ms>', 'a client must send request headers within this (slowloris guard)', String(CAPTURE_DEFAULTS.clientHeadersTimeout))
    .option('--breakpoint-timeout <ms>', 'a paused exchange (breakpoint rule) goes on unedited after this', String(CAPTURE_DEFAULTS.breakpointTimeout))
    .option('--allow-insecure-upstream <host>', 'do not verify the upstream TLS certificate of this host (repeatable)', (v: string, acc: string[]) => [...acc, ...v.split(',').map((h) => h.trim()).filter(Boolean)], [] as string[])
    .option('--json', 'newline-delimited JSON events on stdout')
    .option('--quiet', 'no line per exchange or delivery: running totals instead, when they change (every 100 ms with --json, else every second)')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) });
}

/** Throws UsageError (exit 2) or CommanderError (help/version). */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const command = buildCommand();
  try {
    command.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode !== 0) throw new UsageError(err.message.replace(/^error: /, ''));
    throw err;
  }
  const o = command.opts<Record<string, string | boolean | undefined>>();
  const host = String(o.host);
  const allowRemote = Boolean(o.allowRemote);
  if (!LOOPBACK.has(host) && !allowRemote) {
    throw new UsageError(`--host ${host} is not a loopback address; add --allow-remote to listen on it`);
  }
  const overrides: Record<string, unknown> = {};
  if (o.bucket !== undefined) overrides.bucket = o.bucket;
  const token = (o.accessToken as string | undefined) ?? env.RUNSCOPE_ACCESS_TOKEN;
  if (token !== undefined) overrides.access_token = token;
  if (argv.includes('--log-body') || argv.includes('--no-log-body')) overrides.log_body = o.logBody;
  if (o.apiEndpoint !== undefined) overrides.api_endpoint = o.apiEndpoint;
  if (o.timeout !== undefined) overrides.timeout = numeric(String(o.timeout));
  if (o.keepalive !== undefined) overrides.keepalive = numeric(String(o.keepalive));
  if (argv.includes('--no-redact-credentials')) overrides.redact_credentials = false;
  const checked = mergeSettings({ ...RUNSCOPE_DEFAULTS }, overrides);
  if (!checked.ok) {
    const [field, message] = Object.entries(checked.errors)[0]!;
    const flag = FLAG_OF[field] ?? field;
    throw new UsageError(message!.startsWith(field) ? flag + message!.slice(field.length) : `${flag}: ${message}`);
  }
  for (const key of Object.keys(overrides)) (overrides as Record<string, unknown>)[key] = checked.settings[key as keyof RunscopeSettings];
  const big = Number.MAX_SAFE_INTEGER;
  const dataDir = String(o.dataDir);
  if (o.caDir !== undefined && String(o.caDir).trim() === '') throw new UsageError('--ca-dir needs a folder');
  return {
    port: integer('--port', String(o.port), { min: 0, max: 65535 }),
    portGiven: command.getOptionValueSource('port') === 'cli',
    host,
    allowRemote,
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir),
    caDir: o.caDir === undefined ? undefined : resolve(String(o.caDir)),
    json: Boolean(o.json),
    quiet: Boolean(o.quiet),
    ui: o.ui !== false,
    uiPort: integer('--ui-port', String(o.uiPort), { min: 0, max: 65535 }),
    overrides: overrides as Partial<RunscopeSettings>,
    newSession: Boolean(o.newSession),
    sessionStore: o.sessionStore !== false,
    rules: o.rules === undefined ? null : { rules: rulesFromFile(String(o.rules)), file: resolve(String(o.rules)) },
    collector: collectorOf(o, argv),
    limitsGiven: LIMIT_OPTIONS.filter(([key]) => command.getOptionValueSource(key) === 'cli').map(([, field]) => field),
    limits: {
      maxBodyBytes: integer('--max-body-bytes', String(o.maxBodyBytes), { min: 0, max: big }),
      storeMaxExchanges: integer('--store-max-exchanges', String(o.storeMaxExchanges), { min: 1, max: big }),
      storeMaxBytes: integer('--store-max-bytes', String(o.storeMaxBytes), { min: 1, max: big }),
      storedMaxExchanges: integer('--max-stored-exchanges', String(o.maxStoredExchanges), { min: 1, max: big }),
      storedMaxBytes: integer('--max-stored-bytes', String(o.maxStoredBytes), { min: 1, max: big }),
      outboxMaxMessages: integer('--outbox-max-messages', String(o.outboxMaxMessages), { min: 1, max: big }),
      outboxMaxBytes: integer('--outbox-max-bytes', String(o.outboxMaxBytes), { min: 1, max: big }),
      upstreamTimeout: integer('--upstream-timeout', String(o.upstreamTimeout), { min: 1, max: big }),
      clientHeadersTimeout: integer('--client-headers-timeout', String(o.clientHeadersTimeout), { min: 1, max: big }),
      insecureUpstreamHosts: o.allowInsecureUpstream as unknown as string[],
      breakpointTimeout: integer('--breakpoint-timeout', String(o.breakpointTimeout), { min: 1, max: 2 ** 31 - 1 }),
    },
  };
}
