// The filter language (issue #19): parse a filter to a plain syntax tree, match
// it against exchanges, describe it for help. Imports no Node module, so the
// renderer uses it too; the core's adapter from an Exchange is exchangeTarget.ts.
export type { AllNode, AndNode, FilterError, FilterNode, FlagNode, HeaderNode, HeaderSide, NotNode, NumberField, NumberNode, NumberOp, OrNode, ParseResult, SearchNode, TextField, TextNode, TextOp } from './ast.js';
export type { FilterTarget } from './target.js';
export { parseFilter, formatFilterError } from './parser.js';
export { compileFilter, matchFilter, type FilterPredicate } from './match.js';
export { FILTER_HELP, type FilterHelp } from './help.js';
export { FIELD_NAMES, FLAG_NAMES, MITM_CODES, BYTE_UNITS, TIME_UNITS, DELIVERY_VALUES } from './vocabulary.js';
