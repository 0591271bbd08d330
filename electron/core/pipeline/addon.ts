// What an addon is: a named set of hooks the pipeline calls as an exchange goes
// through the proxy, plus what it contributes to the app (commands, status).
// An addon knows the exchange model and the AddonContext, never another addon.
import type { CommandHandlers, HeaderPair, Status } from '../api.js';
import type { EventBatcher } from '../eventBatcher.js';
import type { Exchange, MetaChange, MetaValue } from '../flow/exchange.js';
import type { RunscopeSettings } from '../settings/schema.js';

/** A response an addon gives in place of the upstream's (a mock). */
export interface Answer {
  status: number;
  reason?: string;
  headers: HeaderPair[];
  body: Buffer | string;
  /** Set when the answer stands in for a failure (a rule that could not do its work): recorded as the exchange's error. */
  error?: string;
}

/** A request as it goes upstream in place of the client's (a breakpoint's edit): sent as given, hop-by-hop headers aside. */
export interface RequestEdit {
  method: string;
  /** Absolute, of the request's own scheme (the client's connection decides it). */
  url: string;
  headers: HeaderPair[];
  body: Buffer;
}

/** A response as it goes to the client in place of the upstream's. */
export interface ResponseEdit {
  status: number;
  reason: string;
  headers: HeaderPair[];
  body: Buffer;
}

/** A request or response paused with its body read: what the proxy gives the hook that paused it. */
export interface Paused {
  /** The body, whole when `complete`; else what was read before it passed the capture cap (or the peer went away). */
  body: Buffer;
  complete: boolean;
  /** Aborted when the client goes away while the exchange is paused. */
  signal: AbortSignal;
}

/** Asked when the upstream's response head is in, before anything of it reaches the client. */
export type ResponseHook = (ex: Exchange) => ResponseDecision;

/** Go on as it came, pause (the body is read first), send this instead, or close the client's connection. */
export type ResponseDecision = undefined | { pause: (p: Paused) => Promise<ResponseDecision> } | { send: ResponseEdit } | { close: string };

/**
 * Changes to an exchange on its way (a rewrite rule, docs/rules.md): the
 * request before it goes upstream, the response before the client gets it.
 * The proxy applies them in order and records both versions (Exchange.upstream).
 */
export interface Rewrite {
  /** Who asks: named in Exchange.upstream and in the 502 when the rewrite cannot be done. */
  rule: string;
  /** Another upstream: its scheme and host (and port), and its path and query when it gives them. */
  url?: string;
  setRequestHeaders?: Readonly<Record<string, string>>;
  removeRequestHeaders?: readonly string[];
  setResponseHeaders?: Readonly<Record<string, string>>;
  removeResponseHeaders?: readonly string[];
  status?: number;
  /** Every match of `pattern` (a JavaScript regular expression) in the body of that side, replaced. */
  replaceBody?: { pattern: string; with: string; on: 'request' | 'response' };
}

/**
 * What an intercept hook decides for an exchange whose request headers are in:
 * undefined lets it go on; `answer` replies without asking the upstream; `drop`
 * proxies it without recording it anywhere; `hold` waits and then decides;
 * `pause` waits with the request body read (a breakpoint); `go` goes on with
 * `request` sent in place of the client's and/or `response` asked when the
 * response head is in and/or `rewrites` applied on the way; `close` closes the client's connection and records the
 * exchange as failed with that error.
 */
export type Decision =
  | undefined
  | { answer: Answer }
  | { drop: true }
  | { hold: Promise<Decision> }
  | { pause: (p: Paused) => Promise<Decision> }
  | { go: GoChanges }
  | { close: string };

export interface GoChanges {
  request?: RequestEdit;
  response?: ResponseHook;
  /** Applied in order, after `request` and unless `response` pauses the response (which then takes it). */
  rewrites?: readonly Rewrite[];
  /** The response body reaches the client at most this fast (kbit/s, 1000 bits): a delay rule's `kbps`. */
  throttleKbps?: number;
}

/** Settled decisions, as the proxy acts on them; `pause` is the proxy's to settle (it reads the body, then calls `decide`). */
export type Verdict =
  | ({ kind: 'go' } & GoChanges)
  | { kind: 'answer'; answer: Answer }
  | { kind: 'drop' }
  | { kind: 'close'; error: string }
  | { kind: 'pause'; decide: (p: Paused) => Promise<Verdict> };

/** Lets an addon delay `recorded` (say, until its copy is on disk); call the returned function once done. */
export type Wait = () => () => void;

/** What the pipeline gives every addon when it starts. */
export interface AddonContext {
  settings(): RunscopeSettings;
  log(line: string): void;
  /** The UI's event stream (batched). */
  events: EventBatcher;
  /** Sets meta[key] of an exchange, kept in memory or not: every addon's `metaChanged` hook hears of it. */
  setMeta(id: string, key: string, value: MetaValue): void;
  /** Exchanges kept by the addon that keeps them (see `find`). */
  find(id: string): Exchange | undefined;
  latest(limit: number): Exchange[];
  /** Clears the traffic, as the user's Clear does (every addon's `cleared` runs). */
  clear(): void;
  /** Drops these exchanges from memory (they were deleted); the store's copy is the sessions addon's to delete. */
  forget(ids: readonly string[]): void;
}

export interface Addon {
  readonly name: string;
  start?(ctx: AddonContext): void | Promise<void>;
  /** Settings changed (also called once after start). */
  configure?(settings: RunscopeSettings): void;

  /** Decides before any addon observes the exchange: go on (maybe changed), answer, drop, hold, pause or close. */
  intercept?(ex: Exchange): Decision;
  /** Request line and headers known; the body may still be arriving. */
  requestHeaders?(ex: Exchange): void;
  /** The request body ended. */
  request?(ex: Exchange): void;
  responseHeaders?(ex: Exchange): void;
  /** The response body ended. */
  response?(ex: Exchange): void;
  /** The exchange grew while pending: a response chunk passed on (its body), or a websocket frame (ex.websocket). */
  progress?(ex: Exchange): void;
  error?(ex: Exchange): void;
  /** The exchange ended (complete or failed); `wait` holds `recorded` back. */
  done?(ex: Exchange, wait: Wait): void;
  /** Every addon's work on the ended exchange is done: it may be reported. */
  recorded?(ex: Exchange): void;
  /** An addon set a meta value; `ex` is the exchange when it is still kept in memory. */
  metaChanged?(change: MetaChange, ex: Exchange | undefined): void;
  /** The user cleared the traffic. */
  cleared?(): void;

  /** An addon that keeps exchanges answers these for everyone. */
  find?(id: string): Exchange | undefined;
  latest?(limit: number): Exchange[];
  clear?(): void;
  forget?(ids: readonly string[]): void;

  /** This addon's part of the status. */
  status?(): Partial<Status>;
  commands?: Partial<CommandHandlers>;
  stop?(): void | Promise<void>;
}
