// `proxyscope --headless`: the core from a terminal, like mitmdump next to mitmproxy;
// `proxyscope query` and `proxyscope export-har` read what it stored,
// `proxyscope import-har` adds a HAR file to it, `proxyscope forward` replays
// some of it into a Runscope bucket.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { CommanderError } from 'commander';
import type { App } from '../core/app.js';
import { parseCli, UsageError, type CliOptions } from './cliOptions.js';
import { createOutput, type Totals } from './output.js';
import type { UiServer } from './uiServer.js';

// Each command loads only its own modules: `proxyscope query` need not load the proxy, TLS and UI.
const COMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  query: async () => (await import('./queryCommand.js')).queryCommand,
  'export-har': async () => (await import('./exportHarCommand.js')).exportHarCommand,
  'import-har': async () => (await import('./importHarCommand.js')).importHarCommand,
  forward: async () => (await import('./forwardCommand.js')).forwardCommand,
  mcp: async () => (await import('./mcp/mcpCommand.js')).mcpCommand,
  browser: async () => (await import('./browserCommand.js')).browserCommand,
};

// http-mitm-proxy logs through console (even to stdout); --json needs a clean stdout.
function silenceLibraryConsole(): void {
  const toStderr = process.env.PROXYSCOPE_DEBUG ? (...a: unknown[]) => process.stderr.write(`${a.map(String).join(' ')}\n`) : () => undefined;
  console.log = console.info = console.debug = console.warn = console.error = toStderr;
}

async function startUi(app: App, opts: CliOptions): Promise<UiServer | null> {
  if (!opts.ui) return null;
  const { startUiServer } = await import('./uiServer.js');
  const here = dirname(fileURLToPath(import.meta.url));
  return startUiServer({ service: app.service, host: opts.host, port: opts.uiPort, staticDir: join(here, '..', '..', 'renderer') });
}

/** --quiet: running totals, printed when they changed; the last ones once more at stop. */
function printTotals(app: App, out: ReturnType<typeof createOutput>, everyMs: number): () => void {
  const totals: Totals = { exchanges: 0, sent: 0, failed: 0 };
  let changed = false;
  const print = () => {
    if (!changed) return;
    changed = false;
    out.totals(totals);
  };
  app.onExchange(() => {
    totals.exchanges++;
    changed = true;
  });
  app.onDelivery((d) => {
    if (d.state !== 'sent' && d.state !== 'failed') return;
    totals[d.state]++;
    changed = true;
  });
  const timer = setInterval(print, everyMs).unref();
  return () => {
    clearInterval(timer);
    print();
    out.flush();
  };
}

export async function main(argv: string[]): Promise<number> {
  const command = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? COMMANDS[argv[0]] : undefined;
  if (command) return (await command())(argv.slice(1));
  let opts: CliOptions;
  try {
    opts = parseCli(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // --help
    process.stderr.write(`proxyscope: ${(err as Error).message}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
  silenceLibraryConsole();
  const out = createOutput(opts.json);
  if (opts.allowRemote && opts.host !== '127.0.0.1') out.warn(`listening on ${opts.host}: anyone who can reach this address can use the proxy, the UI and, when it is on, the collector (with its token)`);

  // Signal handlers go in before anything is printed: a supervisor that stops us
  // as soon as it reads the ready line must not meet the default (fatal) action.
  let stopRequested: NodeJS.Signals | null = null;
  let onStop: (signal: NodeJS.Signals) => void = (signal) => {
    stopRequested = signal;
  };
  let signals = 0;
  const handleSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      out.flush();
      process.exit(130); // second signal: give up waiting
    }
    onStop(signal);
  };
  process.on('SIGINT', handleSignal);
  process.on('SIGTERM', handleSignal);

  const { SettingsError, startApp } = await import('../core/app.js');
  let app: App;
  let ui: UiServer | null = null;
  try {
    // Limits left at their defaults are not passed: Settings' saved values stand in for them.
    const limits = Object.fromEntries(opts.limitsGiven.map((k) => [k, opts.limits[k]]));
    const reservedPorts = opts.ui && opts.uiPort !== 0 ? [opts.uiPort] : [];
    app = await startApp({ dataDir: opts.dataDir, caDir: opts.caDir, port: opts.portGiven ? opts.port : undefined, reservedPorts, host: opts.host, overrides: opts.overrides, limits, newSession: opts.newSession, sessionStore: opts.sessionStore, rules: opts.rules, collector: opts.collector, log: out.warn });
  } catch (err) {
    process.stderr.write(`proxyscope: ${(err as Error).message}\n`);
    return err instanceof SettingsError ? 2 : 1;
  }
  try {
    ui = await startUi(app, opts);
  } catch (err) {
    process.stderr.write(`proxyscope: web UI: ${(err as Error).message}\n`);
    await app.stop();
    return 1;
  }
  let stopTotals: () => void = () => undefined;
  // Alerts are printed even with --quiet: they are what the user asked to hear about.
  app.onAlert((a) => out.alert(a));
  // So are pauses: an exchange waits for the user.
  app.onPaused((p) => out.paused(p));
  if (!opts.quiet) app.onCollected((c) => out.collected(c));
  if (opts.quiet) stopTotals = printTotals(app, out, opts.json ? 100 : 1000);
  else {
    app.onExchange((s) => out.exchange(s));
    app.onDelivery((d) => out.delivery(d));
  }
  const status = await app.service.handlers.getStatus(undefined);
  if (!stopRequested) {
    out.ready({ proxy: app.proxyUrl, ca: app.caPath, forwarding: app.forwarding(), note: status.forwardingNote, ui: ui?.url ?? null, collector: app.collector()?.url ?? null });
  }

  return new Promise<number>((resolve) => {
    onStop = (signal) => {
      out.info(`${signal}: stopping; in-flight exchanges are finished or queued`);
      void Promise.all([app.stop(), ui?.close()]).then(
        () => {
          stopTotals();
          resolve(0);
        },
        (err: Error) => {
          process.stderr.write(`proxyscope: stop failed: ${err.message}\n`);
          resolve(1);
        },
      );
    };
    if (stopRequested) onStop(stopRequested);
  });
}

export function run(argv = process.argv.slice(2)): void {
  main(argv).then((code) => {
    process.exitCode = code;
    // Sockets left by clients must not hold the process open after a clean stop.
    setTimeout(() => process.exit(code), 500).unref();
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) run();
