// The language described as data, for the help popover (and the CLI's help):
// built from the vocabulary's tables, so a new field or flag shows up here.
import { FIELD_NAMES, fieldNamed, FLAG_NAMES, flagNamed, MITM_CODES, mitmNamed } from './vocabulary.js';

export interface FilterHelp {
  summary: string;
  fields: Array<{ syntax: string; kind: 'text' | 'number' | 'header' | 'choice'; help: string }>;
  operators: Array<{ op: string; help: string }>;
  units: Array<{ fields: string; units: string }>;
  flags: Array<{ syntax: string; help: string }>;
  combining: Array<{ syntax: string; help: string }>;
  mitmproxy: Array<{ syntax: string; help: string }>;
  examples: Array<{ filter: string; help: string }>;
}

export const FILTER_HELP: FilterHelp = {
  summary:
    'Empty shows everything. A bare word or "quoted text" is looked for, without case, in the URL, method, status and header values. ' +
    'Compare a field with field op value; text compares without case.',
  fields: FIELD_NAMES.map((name) => {
    const def = fieldNamed(name)!;
    const kind = def.kind === 'enum' ? 'choice' : def.kind;
    return { syntax: def.kind === 'header' ? `${name}[NAME]` : name, kind, help: def.help };
  }),
  operators: [
    { op: '=', help: 'equals' },
    { op: '!=', help: 'does not equal (true when the value is missing)' },
    { op: '*=', help: 'contains' },
    { op: '^=', help: 'starts with' },
    { op: '$=', help: 'ends with' },
    { op: '~=', help: 'matches a regular expression (without case)' },
    { op: '> >= < <=', help: 'numbers only: status, size, reqsize, duration, port' },
  ],
  units: [
    { fields: 'size, reqsize', units: 'b, kb (k), mb (m), gb (g); 1024-based' },
    { fields: 'duration', units: 'ms, s, m (minutes); ms when none' },
    { fields: 'status', units: 'none; classes like 4xx (400–499) or 40x' },
  ],
  flags: FLAG_NAMES.map((name) => ({ syntax: `is:${name}`, help: flagNamed(name)!.help })),
  combining: [
    { syntax: 'a b, a and b, a & b', help: 'both' },
    { syntax: 'a or b, a | b', help: 'either' },
    { syntax: 'not a, !a, -a', help: 'not; binds tightest, then and, then or' },
    { syntax: '( … )', help: 'grouping' },
    { syntax: '"…" or \'…\'', help: 'text with spaces or operators; \\" inside for a quote' },
  ],
  mitmproxy: MITM_CODES.map((code) => {
    const def = mitmNamed(code)!;
    const arg = 'field' in def ? (def.op === '=' ? ' CODE' : ' REGEX') : '';
    return { syntax: `~${code}${arg}`, help: def.help };
  }),
  examples: [
    { filter: 'status>=400', help: 'client and server errors' },
    { filter: 'status=5xx or is:error', help: 'server errors and failed exchanges' },
    { filter: 'host*=api method=POST', help: 'POSTs to hosts containing "api"' },
    { filter: 'type=json size>100k', help: 'JSON responses over 100 KiB' },
    { filter: 'duration>1s -path^=/health', help: 'slower than a second, health checks left out' },
    { filter: 'resheader[set-cookie]', help: 'responses that set a cookie' },
    { filter: 'reqheader[authorization]~="^bearer "', help: 'bearer tokens sent' },
    { filter: 'resbody*="error"', help: 'decoded response bodies mentioning error' },
    { filter: 'delivery!=sent', help: 'not (yet) delivered to Runscope' },
    { filter: '~d example\\.com & !~c 200', help: 'mitmproxy spelling: example.com, not 200' },
  ],
};
