import { describe, expect, it } from 'vitest';
import { UsageError } from '../../electron/headless/cliOptions.js';
import { parseExportHarCli, parseImportHarCli, parseQueryCli } from '../../electron/headless/storeOptions.js';

const refusal = (parse: () => unknown) => {
  try {
    parse();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('query and export-har command lines', () => {
  it('defaults: the current session, every match, a table, no filter', () => {
    expect(parseQueryCli(['--data-dir', '/d'])).toEqual({ dataDir: '/d', session: 'current', filter: '', limit: null, json: false });
  });

  it('joins the filter words with spaces, so an unquoted filter works like a quoted one', () => {
    expect(parseQueryCli(['status>=500', 'host*=api']).filter).toBe('status>=500 host*=api');
    expect(parseQueryCli(['status>=500 host*=api']).filter).toBe('status>=500 host*=api');
    expect(parseQueryCli(['--json', 'method=GET', '--limit', '3']).filter).toBe('method=GET');
  });

  it('takes a word with one leading dash (the filter language\'s "not") as a filter word, and everything after --', () => {
    expect(parseQueryCli(['duration>1s', '-path^=/health', '--limit', '2'])).toMatchObject({ filter: 'duration>1s -path^=/health', limit: 2 });
    expect(parseQueryCli(['--limit=2', '--', '--x', '-y']).filter).toBe('--x -y');
    expect(parseExportHarCli(['-o', 'a.har', '-host=x']).filter).toBe('-host=x');
    expect(parseExportHarCli(['-o', 'b.har', '-ob.har']).filter).toBe('-ob.har');
    expect(parseQueryCli(['--data-dir', '-odd-dir']).dataDir).toMatch(/\/-odd-dir$/);
  });

  it('reads --session as current, all or a positive id; --limit as a positive integer', () => {
    expect(parseQueryCli(['--session', 'all']).session).toBe('all');
    expect(parseQueryCli(['--session', '12', '--limit', '5'])).toMatchObject({ session: 12, limit: 5 });
  });

  it.each([
    [['--limit', 'abc'], '--limit must be a positive integer'],
    [['--limit', '0'], '--limit must be a positive integer'],
    [['--limit', '-3'], '--limit must be a positive integer'],
    [['--session', 'latest'], '--session must be current, all or a session id (a positive integer)'],
    [['--session', '0'], '--session must be current, all or a session id (a positive integer)'],
    [['--session', '1.5'], '--session must be current, all or a session id (a positive integer)'],
    [['--nope'], "unknown option '--nope'"],
    [['--limit'], "option '--limit <n>' argument missing"],
  ])('query refuses %j with "%s"', (argv, message) => {
    expect(refusal(() => parseQueryCli(argv))).toBe(message);
  });

  it('refuses a filter that does not parse, naming the column', () => {
    expect(refusal(() => parseQueryCli(['status>=']))).toMatch(/^filter error at column 9: /);
    expect(refusal(() => parseExportHarCli(['-o', 'x.har', 'method=GET', '(']))).toMatch(/^filter error at column \d+: /);
  });

  it('export-har needs -o, resolved against the working directory', () => {
    expect(refusal(() => parseExportHarCli([]))).toMatch(/-o, --output <file>/);
    expect(parseExportHarCli(['-o', 'out.har', '--session', 'all', 'status>=400'])).toEqual({
      dataDir: expect.any(String),
      session: 'all',
      filter: 'status>=400',
      output: `${process.cwd()}/out.har`,
    });
  });

  it('import-har: the file resolved, the session named after it unless --name says', () => {
    expect(parseImportHarCli(['foo.har', '--data-dir', '/d'])).toEqual({ dataDir: '/d', file: `${process.cwd()}/foo.har`, name: 'Imported foo.har', json: false });
    expect(parseImportHarCli(['/x/y.har', '--name', '  Before the fix ', '--json'])).toMatchObject({ file: '/x/y.har', name: 'Before the fix', json: true });
    expect(parseImportHarCli([`${'n'.repeat(300)}.har`]).name).toHaveLength(200);
    expect(refusal(() => parseImportHarCli([]))).toBe("missing required argument 'file'");
    expect(refusal(() => parseImportHarCli(['a.har', 'b.har']))).toMatch(/too many arguments/);
    expect(refusal(() => parseImportHarCli(['a.har', '--name', 'x'.repeat(201)]))).toBe('--name must be 1 to 200 characters');
    expect(refusal(() => parseImportHarCli(['a.har', '--session', '2']))).toBe("unknown option '--session'");
  });
});
