// Filters that do not parse: each with the 1-based column it must point at and
// a fragment of the message naming what is wrong.
import { describe, expect, it } from 'vitest';
import { formatFilterError, parseFilter } from '../../../electron/core/filter/index.js';

// [filter, column, message fragment]
const table: Array<[string, number, string]> = [
  ['foo=bar', 1, 'unknown field `foo`'],
  ['method=get foo>1', 12, 'unknown field `foo`'],
  ['user=42&sort=desc', 1, 'unknown field `user` (to search for text, quote it)'],
  ['status>=', 9, 'missing value after `status>=`'],
  ['status>= ', 9, 'missing value after `status>=`'],
  ['(status>=)', 10, 'missing value after `status>=`'],
  ['method= and x', 8, 'missing value after `method=`'],
  ['header[a] > ', 12, 'missing value after `header[a]>`'],
  ['~m', 3, 'missing value after `~m`'],
  ['~m )', 3, 'missing value after `~m`'],
  ['(status=200', 1, 'unclosed parenthesis'],
  ['a (b (c)', 3, 'unclosed parenthesis'],
  ['status=200)', 11, 'unexpected `)`'],
  [')', 1, 'unexpected `)`'],
  ['()', 1, 'empty parentheses'],
  ['url~=(', 6, 'bad regular expression `(`'],
  ['~d "(unclosed"', 5, 'bad regular expression'],
  ['resheader[x]~=[a-', 15, 'bad regular expression'],
  ['url>5', 4, '`>` compares numbers, and `url` is text'],
  ['reqheader[a]>5', 13, '`>` compares numbers'],
  ['status*=40', 7, '`*=` compares text, and `status` is a number'],
  ['duration~=1', 9, '`~=` compares text'],
  ['size>10q', 8, 'unknown unit `q` in `10q` (size takes b, kb, mb, gb)'],
  ['size>1.5kib', 9, 'unknown unit `kib`'],
  ['duration>1h', 11, 'unknown unit `h` in `1h` (duration takes ms, s, m)'],
  ['status=404ms', 11, 'unknown unit `ms` in `404ms` (status takes no unit)'],
  ['status=abc', 8, '`abc` is not a number: status takes a number or a class like 4xx'],
  ['size>big', 6, '`big` is not a number'],
  ['~c x', 4, '`x` is not a number'],
  ['size=4xx', 6, 'classes like `4xx` are for status only'],
  ['is:foo', 1, 'unknown flag `is:foo` (known: is:error, is:pending, is:response, is:pinned, is:browser, is:ws, is:replay, is:imported, is:collected)'],
  ['is:error is:Nope', 10, 'unknown flag `is:Nope`'],
  ['is:', 4, 'missing flag name after `is:`'],
  ['~z x', 1, 'unknown filter `~z`'],
  ['~mGET', 1, 'unknown filter `~mGET`'],
  ['~', 1, 'missing filter name after `~`'],
  ['delivery=lost', 10, 'unknown delivery state `lost` (queued, sent, retrying, failed, none)'],
  ['delivery*=sent', 9, '`delivery` takes only = or !='],
  ['url[x]=1', 4, '`url` takes no [NAME]'],
  ['status[x]', 7, '`status` takes no [NAME]'],
  ['header[x=1', 7, 'unclosed `[` in `header[`'],
  ['header[]=1', 7, 'missing header name in `header[]`'],
  ['"abc', 1, 'unclosed quote'],
  ['url="abc', 5, 'unclosed quote'],
  ['status=200 and', 15, 'missing filter after `and`'],
  ['a or or b', 6, 'missing filter after `or`'],
  ['a & | b', 5, 'missing filter after `&`'],
  ['and status=200', 1, '`and` with nothing before it'],
  ['| a', 1, '`|` with nothing before it'],
  ['not', 4, 'missing filter after `not`'],
  ['a -', 4, 'missing filter after `-`'],
  ['(not)', 5, 'missing filter after `not`'],
  ['=foo', 1, 'missing field before `=`'],
  ['!=x', 1, 'missing field before `!=`'],
  ['(~=x)', 2, 'missing field before `~=`'],
  ['a ~=x', 1, 'unknown field `a`'],
];

describe('filter errors', () => {
  it('has a table of at least 20 invalid filters', () => expect(table.length).toBeGreaterThanOrEqual(20));

  it.each(table)('%j: column %i, %j', (filter, column, fragment) => {
    const parsed = parseFilter(filter);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.message).toContain(fragment);
    expect(parsed.error.column).toBe(column);
  });

  it('formats an error the way the CLI prints it', () => {
    const parsed = parseFilter('status>=');
    expect(parsed.ok ? null : formatFilterError(parsed.error)).toBe('filter error at column 9: missing value after `status>=`');
  });
});
