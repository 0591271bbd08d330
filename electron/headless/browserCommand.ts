// `proxyscope browser [URL]`: asks the Proxyscope running on the data dir to
// start a browser with a profile of its own that goes through its proxy and
// trusts its certificates (the UI's Open browser); `--list` says which
// browsers it would find, running instance or not.
import { Command, CommanderError } from 'commander';
import { findBrowsers } from '../core/browser/browserLauncher.js';
import { UsageError } from './cliOptions.js';
import { defaultDataDir } from './defaultDataDir.js';
import { failure, withStore } from './storeClient.js';

function buildBrowserCommand(): Command {
  return new Command('proxyscope browser')
    .description('Start a Chrome, Chromium, Edge, Brave or Firefox through the running Proxyscope, trusting its CA for that browser profile only.')
    .argument('[url]', 'the page to open (http or https; default about:blank)')
    .option('--data-dir <dir>', 'the data dir of the running Proxyscope', defaultDataDir())
    .option('--list', 'print the browsers found, the one started first, and exit')
    .option('--json', 'one JSON line: {"event":"browser","browser","pid"} (with --list: {"browsers":[…]})')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) });
}

function parse(argv: string[]) {
  const cmd = buildBrowserCommand();
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode !== 0) throw new UsageError(err.message.replace(/^error: /, ''));
    throw err;
  }
  const opts = cmd.opts<{ dataDir: string; list?: boolean; json?: boolean }>();
  const url = cmd.args[0];
  if (url !== undefined && !(/^https?:\/\//i.test(url) && URL.canParse(url))) throw new UsageError(`url must be an http(s) URL, not ${JSON.stringify(url)}`);
  return { dataDir: opts.dataDir, list: Boolean(opts.list), json: Boolean(opts.json), url };
}

const NONE = 'no Chrome, Chromium, Edge, Brave or Firefox found: install one, or set PROXYSCOPE_BROWSER to its executable';

export async function browserCommand(argv: string[]): Promise<number> {
  try {
    const opts = parse(argv);
    if (opts.list) {
      const browsers = findBrowsers();
      if (opts.json) process.stdout.write(`${JSON.stringify({ browsers })}\n`);
      else process.stdout.write(browsers.length ? `${browsers.join('\n')}\n` : `${NONE}\n`);
      return browsers.length ? 0 : 1;
    }
    const started = await withStore(opts.dataDir, (client) => client.openBrowser(opts.url));
    if (!started.ok) throw new Error(started.error);
    process.stdout.write(
      opts.json ? `${JSON.stringify({ event: 'browser', browser: started.browser, pid: started.pid })}\n` : `Started ${started.browser} (pid ${started.pid}) through the proxy, with a profile of its own\n`,
    );
    return 0;
  } catch (err) {
    return failure(err);
  }
}
