// The filter language's syntax tree: plain, serialisable data, so that the
// in-memory matcher (match.ts) and a SQL translator can both be written against it.
//
// The parser desugars what it can, so consumers handle few shapes:
// - `a != b` becomes `not (a = b)` (so a missing value, which equals nothing, satisfies `!=`);
// - `type=js` becomes `type *= javascript or type *= ecmascript` (`type=` means "contains");
// - mitmproxy's spellings become the same nodes as the native ones (`~c 404` is `status=404`).

/** Text operators: equals, contains, starts with, ends with, regular expression (all without case). */
export type TextOp = '=' | '*=' | '^=' | '$=' | '~=';
/** Number operators. A number node holds a range; a plain number is a range of one. */
export type NumberOp = '=' | '>' | '>=' | '<' | '<=';

/**
 * Text fields. `delivery` is the forwarding state, `none` when the exchange was not
 * forwarded; `body` is either side's decoded body text.
 */
export type TextField = 'id' | 'method' | 'url' | 'host' | 'path' | 'query' | 'protocol' | 'type' | 'body' | 'reqbody' | 'resbody' | 'delivery';
export type NumberField = 'status' | 'size' | 'reqsize' | 'duration' | 'port';
export type HeaderSide = 'request' | 'response' | 'either';

/** Matches everything (the empty filter). */
export interface AllNode {
  type: 'all';
}
export interface AndNode {
  type: 'and';
  items: FilterNode[];
}
export interface OrNode {
  type: 'or';
  items: FilterNode[];
}
export interface NotNode {
  type: 'not';
  item: FilterNode;
}
/** Bare or quoted text: contained, without case, in the URL, method, status or a header value (either side). */
export interface SearchNode {
  type: 'search';
  value: string;
}
/** A text field compared with a value; a missing field (null) satisfies no operator. */
export interface TextNode {
  type: 'text';
  field: TextField;
  op: TextOp;
  /** The value as written; for `~=` the regular expression's source (matched with flags `is`). */
  value: string;
}
/**
 * A header compared by value, any header of that name on that side satisfying it;
 * `present` asks only that one exists. `name` null (from `~h` or `header*=…`)
 * matches against whole "name: value" lines.
 */
export interface HeaderNode {
  type: 'header';
  side: HeaderSide;
  name: string | null;
  op: TextOp | 'present';
  value: string;
}
/**
 * A number field against the range [min, max] (units applied: bytes, ms): `=` inside it,
 * `>` above max, `>=` from min, `<` below min, `<=` up to max. `status=4xx` is 400–499,
 * `status=404` is 404–404. A missing field (null) satisfies no operator.
 */
export interface NumberNode {
  type: 'number';
  field: NumberField;
  op: NumberOp;
  min: number;
  max: number;
}
/** `is:NAME` (and mitmproxy's `~e`, `~s`, `~q`): a name from the flag table (vocabulary.ts). */
export interface FlagNode {
  type: 'flag';
  flag: string;
}

export type FilterNode = AllNode | AndNode | OrNode | NotNode | SearchNode | TextNode | HeaderNode | NumberNode | FlagNode;

/** Where and why a filter does not parse; `column` is 1-based. */
export interface FilterError {
  column: number;
  message: string;
}

export type ParseResult = { ok: true; filter: FilterNode } | { ok: false; error: FilterError };
