// Reads a HAR document as it streams in, handing over each entry of
// log.entries as soon as it is parsed, so a file of any size is read in
// bounded memory: an entry is held while it is parsed and converted, never the
// whole list. @streamparser/json does the JSON (synchronous, byte chunks,
// UTF-8 split anywhere); the shape of the document around the entries is
// checked here from its tokens, since the parser only sees the entries.
import { JSONParser, TokenizerError, TokenParserError, TokenType, type JsonTypes } from '@streamparser/json';

/** A HAR refused, with the message naming where (`entries[3].request.url: …`). */
export class HarRefused extends Error {}

/** One entry's HAR text at most: it is held whole while parsed. */
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
/** What lies outside log.entries (pages, creator) is kept until the end: a HAR holds little there. */
export const MAX_OUTSIDE_BYTES = 16 * 1024 * 1024;

const MiB = (n: number) => `${n / (1024 * 1024)} MiB`;

interface Frame {
  array: boolean;
  /** The key of the value being read in it: a property name, or an array index. */
  key: string | number | null;
  awaitingKey: boolean;
}

/**
 * Rewords the parser's message with a byte position (counted from 1, like the
 * filter language's columns): the tokenizer's own, or that of the token the
 * token parser refused.
 */
function syntaxError(err: Error, tokenOffset: number): string {
  const tokenizer = /^Unexpected "(.*)" at chunk position "\d+" \(absolute position "(\d+)"\)/s.exec(err.message);
  if (tokenizer) return `not valid JSON at byte ${Number(tokenizer[2]) + 1} (unexpected ${JSON.stringify(tokenizer[1])})`;
  const parser = /^Unexpected [A-Z_]+ \((.*)\) in state/s.exec(err.message);
  if (parser) return `not valid JSON at byte ${tokenOffset + 1} (unexpected ${parser[1]})`;
  return `not valid JSON (${err.message})`;
}

export class HarReader {
  /** Bytes read so far. */
  bytes = 0;
  /** Entries handed over so far. */
  entries = 0;
  private readonly parser = new JSONParser({ paths: ['$.log.entries.*'], keepStack: false });
  private readonly stack: Frame[] = [];
  private seen = { root: false, log: false, entries: false };
  /** The entry being parsed: its index and first byte. */
  private entry: { index: number; start: number } | null = null;
  private entryBytes = 0;
  private failure: Error | null = null;
  private ending = false;
  private tokenOffset = 0;

  /** `onEntry` runs inside write(); what it throws ends the reading and comes out of write(). */
  constructor(private readonly onEntry: (entry: unknown, index: number) => void) {
    this.parser.onToken = (t) => this.token(t.token, t.value, t.offset);
    this.parser.onValue = ({ value, key }) => {
      const index = key as number;
      this.entries++;
      this.onEntry(value, index);
    };
    this.parser.onError = (err) => {
      if (this.failure) return;
      if (err instanceof HarRefused) this.failure = err;
      else if (this.ending) this.failure = new HarRefused(this.where(`the file ends before the JSON document does (at byte ${this.bytes}): is it cut short?`));
      else if (err instanceof TokenizerError || err instanceof TokenParserError) this.failure = new HarRefused(this.where(syntaxError(err, this.tokenOffset)));
      else this.failure = err; // what onEntry threw (the store could not write, say)
    };
  }

  write(chunk: Uint8Array): void {
    this.check();
    this.bytes += chunk.length;
    this.parser.write(chunk);
    this.check();
    const inEntry = this.entry ? this.bytes - this.entry.start : 0;
    if (inEntry > MAX_ENTRY_BYTES) this.refuse(`entries[${this.entry!.index}]: over ${MiB(MAX_ENTRY_BYTES)} of HAR text (larger entries are not imported)`);
    if (this.bytes - this.entryBytes - inEntry > MAX_OUTSIDE_BYTES) this.refuse(`over ${MiB(MAX_OUTSIDE_BYTES)} of the HAR lie outside log.entries: is this a HAR file?`);
  }

  /** The file is over: refuses a document cut short, or one without log.entries. */
  end(): void {
    this.check();
    if (!this.parser.isEnded) {
      // Ends a number that ends the file (a root refused as not an object), else refuses a document cut short.
      this.ending = true;
      this.parser.end();
      this.check();
    }
    if (!this.seen.root) this.refuse(this.bytes === 0 ? 'the file is empty' : 'the file holds no JSON document');
    if (!this.seen.log) this.refuse('log: missing (expected an object)');
    if (!this.seen.entries) this.refuse('log.entries: missing (expected an array)');
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private refuse(message: string): never {
    this.failure ??= new HarRefused(message);
    throw this.failure;
  }

  private where(message: string): string {
    return this.entry ? `entries[${this.entry.index}]: ${message}` : message;
  }

  /** Follows the document's nesting to check the shape around the entries and to know which entry is being read. */
  private token(token: TokenType, value: JsonTypes.JsonPrimitive, offset: number): void {
    const top = this.stack.at(-1);
    this.tokenOffset = offset;
    switch (token) {
      case TokenType.COLON:
        return;
      case TokenType.COMMA:
        if (top?.array) top.key = (top.key as number) + 1;
        else if (top) top.awaitingKey = true;
        return;
      case TokenType.RIGHT_BRACE:
      case TokenType.RIGHT_BRACKET:
        // A bracket that closes nothing open is the parser's to refuse, inside the entry it is in.
        if (!top || top.array !== (token === TokenType.RIGHT_BRACKET)) return;
        this.stack.pop();
        if (this.entry && this.stack.length === 3) {
          this.entryBytes += offset + 1 - this.entry.start;
          this.entry = null;
        }
        return;
      case TokenType.STRING:
        if (top && !top.array && top.awaitingKey) {
          top.key = value as string;
          top.awaitingKey = false;
          return;
        }
        break;
      default:
        break;
    }
    const type = token === TokenType.LEFT_BRACE ? 'object' : token === TokenType.LEFT_BRACKET ? 'array' : token === TokenType.STRING ? 'string' : value === null ? 'null' : typeof value;
    this.value(type, offset);
    if (type === 'object' || type === 'array') this.stack.push({ array: type === 'array', key: type === 'array' ? 0 : null, awaitingKey: type === 'object' });
  }

  /** A value starts at the current path: the root, log, log.entries and each entry are checked. */
  private value(type: string, offset: number): void {
    const [root, log, entries] = this.stack;
    const depth = this.stack.length;
    const received = (expected: string) => `expected ${expected}, received ${type}`;
    if (depth === 0) {
      if (this.seen.root) return; // past the end: the tokenizer refuses what follows the document
      this.seen.root = true;
      if (type !== 'object') this.refuse(`HAR: ${received('an object')}`);
    } else if (depth === 1 && root!.key === 'log') {
      if (this.seen.log) this.refuse('log: given twice');
      this.seen.log = true;
      if (type !== 'object') this.refuse(`log: ${received('an object')}`);
    } else if (depth === 2 && root!.key === 'log' && log!.key === 'entries') {
      if (this.seen.entries) this.refuse('log.entries: given twice');
      this.seen.entries = true;
      if (type !== 'array') this.refuse(`log.entries: ${received('an array')}`);
    } else if (depth === 3 && root!.key === 'log' && log!.key === 'entries' && (type === 'object' || type === 'array')) {
      // (A primitive entry is not held: harEntryToState names it.)
      this.entry = { index: entries!.key as number, start: offset };
    }
  }
}
