// `proxyscope mcp [--data-dir DIR] [--no-redact]`: the MCP server over stdio.
// stdout carries the protocol alone; anything else goes to stderr.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { Command, CommanderError } from 'commander';
import { defaultDataDir } from '../defaultDataDir.js';
import { agentRedaction } from './agentRedaction.js';
import { createMcpServer } from './mcpServer.js';

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export async function mcpCommand(argv: string[]): Promise<number> {
  const cmd = new Command('proxyscope mcp')
    .description('Serve the stored traffic to coding agents over MCP (stdio): search_exchanges, get_exchange, list_sessions.')
    .option('--data-dir <dir>', 'the data dir of the Proxyscope whose traffic to serve', defaultDataDir())
    .option('--no-redact', 'hand over credentials and redact-rule fields as captured (for an agent you trust with them)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stderr.write(s) });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  const o = cmd.opts<{ dataDir: string; redact: boolean }>();
  const dataDir = isAbsolute(o.dataDir) ? o.dataDir : resolve(o.dataDir);
  const redaction = agentRedaction(dataDir, { off: !o.redact });
  if (redaction.warning) process.stderr.write(`proxyscope mcp: ${redaction.warning}\n`);
  const server = createMcpServer({ dataDir, redaction, version: version() });
  const transport = new StdioServerTransport();
  await server.connect(transport);
  // Until the client closes stdin.
  await new Promise<void>((done) => {
    transport.onclose = () => done();
    process.stdin.once('end', () => done());
  });
  await server.close();
  return 0;
}
