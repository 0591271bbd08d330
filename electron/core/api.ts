// The contract between the renderer and the core: commands + events, types only.
// Both transports (Electron IPC and the headless WebSocket) carry exactly this.
// Long because it is the whole contract: one file the renderer reads to know every command and event.
import type { Rule, RuleAction, RuleInput } from './rules/ruleSchema.js';
import type { RuleProblem } from './rules/validateRules.js';

/** Where one exchange's message to Runscope stands (outbox row state). */
export type DeliveryState = 'queued' | 'sent' | 'retrying' | 'failed';
/** How far the proxied exchange itself got: response still coming, done, or broken off. */
export type ExchangeProgress = 'pending' | 'complete' | 'failed';
export type HeaderPair = [name: string, value: string];
/**
 * `http`: a request and response the proxy read. `tunnel`: a CONNECT passed through untouched (TLS not decrypted).
 * `websocket`: an upgrade (URL ws:// or wss://), its 101 answer, and the messages each way.
 */
export type ExchangeKind = 'http' | 'tunnel' | 'websocket';

/** One WebSocket message (or ping/pong) as the proxy passed it on. */
export interface WebSocketFrameView {
  from: 'client' | 'server';
  /** Epoch ms it reached the proxy. */
  at: number;
  type: 'text' | 'binary' | 'ping' | 'pong';
  /** Payload bytes on the wire. */
  size: number;
  /** The payload kept (base64); truncated when the connection's capture cap was reached. */
  base64: string;
  truncated: boolean;
}

export interface WebSocketView {
  frames: WebSocketFrameView[];
  /** Frames past the per-connection limit: passed on and counted, not kept. */
  dropped: number;
  /** How it closed; null while open or when it broke without a close frame. */
  close: { code: number; reason: string; by: 'client' | 'server' } | null;
}
/** Where an exchange came from: captured by the proxy, converted from an imported file (HAR), sent again by Resend, or received by the collector. */
export type ExchangeOrigin = 'proxy' | 'import' | 'collected' | 'replay';

/** A passthrough tunnel: its port, the bytes carried each way (up: client to host), and the rule that asked for it. */
export interface TunnelInfo {
  port: number;
  bytesUp: number;
  bytesDown: number;
  rule: string;
}

export interface BodyView {
  /** Captured bytes, base64-encoded (at most the per-body cap). */
  base64: string;
  /** Bytes seen on the wire (may exceed what was kept). */
  size: number;
  truncated: boolean;
}

/**
 * The other side of a rewritten exchange: what went upstream and what the
 * upstream answered, each null when it went as it was; a body null is the
 * same bytes as the client's side.
 */
export interface UpstreamView {
  /** The rewrite rules that matched, in list order. */
  rules: string[];
  request: { method: string; url: string; headers: HeaderPair[]; body: BodyView | null } | null;
  response: { status: number; reason: string; headers: HeaderPair[]; body: BodyView | null } | null;
}

export interface ExchangeSummary {
  id: string;
  kind: ExchangeKind;
  /** A tunnel's port, bytes and rule; null for an http exchange (whose requestBytes/responseBytes are body sizes). */
  tunnel: TunnelInfo | null;
  /** Unix epoch milliseconds when the request started. */
  startedAt: number;
  method: string;
  url: string;
  host: string;
  status: number | null;
  state: ExchangeProgress;
  error: string | null;
  /** Response body bytes received. */
  responseBytes: number;
  /** Request start to response end, ms; null while pending. */
  durationMs: number | null;
  /** null when forwarding was off for this exchange. */
  delivery: DeliveryState | null;
  /** URL path (no query). */
  path: string;
  /** Response Content-Type (parameters dropped), null without one. */
  contentType: string | null;
  /** Request body bytes seen on the wire. */
  requestBytes: number;
  httpVersion: string;
  /** The session it is stored in (rows read from the session store). */
  session?: number;
  /** A websocket's frames so far, kept or dropped (live rows; it grows while the connection is open). */
  messages?: number;
  /** Set (true) when the user pinned it. */
  pinned?: true;
}

export interface ExchangeDetail extends ExchangeSummary {
  httpVersion: string;
  request: { headers: HeaderPair[]; body: BodyView };
  response: { status: number; reason: string; headers: HeaderPair[]; body: BodyView } | null;
  /** What a rewrite rule changed (request and response above are the client's); null when nothing was rewritten. */
  upstream: UpstreamView | null;
  /** A websocket's messages; null for other kinds. */
  websocket: WebSocketView | null;
  /** For a text/event-stream response: when each chunk of its body arrived, [bytes before it, epoch ms]; null otherwise. */
  chunkTimes: Array<[number, number]> | null;
  timings: { startedAt: number; responseStartedAt: number | null; endedAt: number | null };
  /** Facts addons keep about the exchange (the delivery state, tags). */
  meta: Record<string, string | number | boolean | null>;
}

export interface DeliveryRecord {
  exchangeId: string;
  /** The message's own bucket (set by a rule or a replay); null: it goes to the settings' bucket as it is at each attempt. */
  bucket: string | null;
  /** The bucket the last attempt was POSTed to; null before any POST. */
  postedTo: string | null;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
  httpStatus: number | null;
  runscopeUuid: string | null;
  /** The exact JSON text that is (or will be) POSTed. */
  message: string;
  createdAt: number;
  updatedAt: number;
}

export type DeliverySummary = Omit<DeliveryRecord, 'message'>;

/** Settings as the renderer may see them: never the token itself. */
export interface SettingsView {
  bucket: string;
  accessTokenLast4: string | null;
  log_body: boolean;
  api_endpoint: string;
  timeout: number;
  keepalive: number;
  redact_credentials: boolean;
}

/**
 * Settings as the renderer may send them. `access_token` omitted or null keeps
 * the stored token; an empty string clears it.
 */
export interface SettingsInput {
  bucket?: string;
  access_token?: string | null;
  log_body?: boolean;
  api_endpoint?: string;
  timeout?: number;
  keepalive?: number;
  redact_credentials?: boolean;
}

export type SettingsField = keyof SettingsInput;

export type SaveSettingsResult =
  | { ok: true; settings: SettingsView }
  | { ok: false; errors: Partial<Record<string, string>> };

/** The capture limits the Settings view edits (the rest are command-line flags only). */
export interface CaptureSettings {
  /** Bytes kept per request or response body; the rest streams through uncaptured. */
  maxBodyBytes: number;
  /** Exchanges kept in the memory cache (every one is on disk, in the session store). */
  storeMaxExchanges: number;
  /** Session store retention: exchanges kept on disk across sessions, the oldest go first. */
  storedMaxExchanges: number;
  /** Session store retention: bytes they take on disk. */
  storedMaxBytes: number;
}
export type CaptureField = keyof CaptureSettings;

export interface CaptureSettingsView {
  /** What this run uses: a flag's value, else the saved one, else the default. */
  values: CaptureSettings;
  /** The fields a command-line flag set for this run (field -> the flag): a flag wins over the saved value. */
  fromFlag: Partial<Record<CaptureField, string>>;
  /** false with --no-session-store: there is no stored retention to apply. */
  sessionStore: boolean;
}

export type SaveCaptureResult = { ok: true; view: CaptureSettingsView } | { ok: false; errors: Partial<Record<string, string>> };

/** Where the proxy listens, and where that comes from. */
export interface ProxySettingsView {
  /** The address clients use, e.g. http://127.0.0.1:8080. */
  url: string;
  /** The listen (bind) address: 127.0.0.1 unless --host with --allow-remote. */
  host: string;
  port: number;
  /** The port saved for the next start (the default until one is saved). */
  savedPort: number;
  /** `--port` when the command line set the port for this run (it wins over the saved one at start). */
  fromFlag: string | null;
  /** Set when the saved port was busy at start and the next free one was taken. */
  note: string | null;
}

export type SaveProxyResult = { ok: true; view: ProxySettingsView; notice: string } | { ok: false; errors: Partial<Record<string, string>> };

export interface Status {
  proxy: string;
  caPath: string;
  caExported: boolean;
  forwarding: boolean;
  /** Why forwarding is off or paused (e.g. "access token rejected"); null when all is well. */
  forwardingNote: string | null;
  outboxDepth: number;
  lastDeliveryError: string | null;
  /** The session store: null when all is well, else why exchanges are not kept on disk (disk full, a corrupt file moved aside). */
  storeNote: string | null;
  /** Set once retention evicted old exchanges: how many, and the bound that made room. */
  evictionNote: string | null;
  /** Stored bodies not yet indexed for body search (indexing runs in the background; until then they are read). */
  bodiesUnindexed: number;
  /** Set when the saved rules could not be used (moved aside); cleared when rules are saved. */
  rulesNote?: string | null;
  /** Alert webhooks waiting to be delivered, and the last failure; null when none waits. */
  webhookNote?: string | null;
  /** Set when the saved proxy port was busy at start: which one was taken instead. */
  proxyNote?: string | null;
}

/** A session of the session store (sessions.db in the data dir). */
export interface SessionInfo {
  id: number;
  name: string;
  /** Epoch ms. */
  startedAt: number;
  exchanges: number;
  /** Bytes its exchanges take in the store (their stored state and bodies). */
  bytes: number;
  /** The one new exchanges go to. */
  current: boolean;
  /** Epoch ms of each time Proxyscope restarted into this session. */
  restarts: number[];
}

/** Columns the grid sorts by. */
export type SortColumn = 'startedAt' | 'method' | 'host' | 'path' | 'url' | 'status' | 'contentType' | 'requestBytes' | 'responseBytes' | 'durationMs' | 'delivery' | 'httpVersion';

export interface ExchangeQuery {
  /** A session id, 'current' (default) or 'all'. */
  session?: number | 'current' | 'all';
  /** Filter language text; empty matches all. */
  filter?: string;
  sort?: SortColumn;
  /** Default 'asc' (oldest first). */
  order?: 'asc' | 'desc';
  offset?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

export type FilterProblem = { ok: false; error: string; column: number };
/** An export bigger than the command carries (`proxyscope export-har` writes any size to a file). */
export type TooLarge = { ok: false; error: string; tooLarge: true };

export type QueryPage = { ok: true; rows: ExchangeSummary[] } | FilterProblem;

/**
 * One step of a HAR import: the file crosses in chunks, each answered with how
 * far the import got, so memory stays bounded and the caller can show progress.
 * The first step leaves out `id` and names the new session.
 */
export interface ImportHarStepQuery {
  /** The import under way (from the first step's answer). */
  id?: number;
  /** The new session's name: the first step only. */
  name?: string;
  /** The file's next bytes, base64: at most IMPORT_CHUNK_MAX_BYTES (apiSchemas.ts) of them. */
  chunk?: string;
  /** The file ends with this step's chunk: the import is finished, or refused. */
  last?: boolean;
  /** Give the import up: nothing of it remains. */
  abort?: boolean;
}

/**
 * `entries` parsed and `bytes` read so far. `done` with the new session (not
 * current) once the last step is in. `invalid`: the file was refused (the
 * error names the entry and field, `entries[3].request.url: …`); else the
 * store failed. Either way nothing of the import remains.
 */
export type ImportHarStep =
  | { ok: true; id: number; done: false; entries: number; bytes: number }
  | { ok: true; id: number; done: true; entries: number; bytes: number; session: SessionInfo; count: number }
  | { ok: false; error: string; invalid: boolean };
/** A replay into a bucket (forwardExchanges) and its counts so far. */
export interface ForwardJob {
  job: string;
  /** The bucket its messages go to; null: the settings' bucket at each attempt. */
  bucket: string | null;
  /** Exchanges the filter selected when the job started (what it found, once it has read them all). */
  matched: number;
  /** Messages committed to the outbox. */
  queued: number;
  /** Selected but not sent: tunnels (no HTTP exchange to send) and those a rule marks not to forward. */
  skipped: number;
  sent: number;
  failed: number;
  /** Still reading the session and queueing. */
  reading: boolean;
  /** Why queueing stopped before the end (the outbox is full, the store failed); null otherwise. */
  stopped: string | null;
  /** Nothing more will change: reading is over and every queued message was sent or failed. */
  done: boolean;
}

export type ForwardRefused = { ok: false; field: 'settings' | 'bucket' | 'filter' | 'session'; error: string };

/** matched: rows the filter selects; total: rows in the searched sessions; atLeast: matched is a lower bound (a quick count). */
export type QueryCount = { ok: true; matched: number; total: number; atLeast?: true } | FilterProblem;

/** quick: a count that would read every body may stop early and answer a lower bound (atLeast). */
export type CountQuery = Pick<ExchangeQuery, 'session' | 'filter'> & { quick?: boolean };

export interface Commands {
  getSettings(): SettingsView;
  saveSettings(input: SettingsInput): SaveSettingsResult;
  getStatus(): Status;
  /** The editable capture limits: what this run uses and which a flag set. */
  getCaptureSettings(): CaptureSettingsView;
  /** Checks and saves capture limits (capture.json), applied to new exchanges at once; refused naming each field, nothing changed. */
  saveCaptureSettings(input: Partial<CaptureSettings>): SaveCaptureResult;
  getProxySettings(): ProxySettingsView;
  /** Moves the proxy to `port` now (a new listener; the old one closes once it runs) and saves it for the next start; a busy port is refused, the old listener kept. */
  saveProxySettings(input: { port: number }): SaveProxyResult;
  listExchanges(query: { limit?: number }): ExchangeSummary[];
  getExchange(query: { id: string }): ExchangeDetail | null;
  getDelivery(query: { exchangeId: string }): DeliveryRecord | null;
  listDeliveries(query: { limit?: number; state?: DeliveryState }): DeliverySummary[];
  clearTraffic(): { ok: true };
  retryDelivery(query: { exchangeId: string }): { ok: boolean; error?: string };
  exportCa(): { pem: string; path: string };
  /** HAR 1.2 of what a filter selects in a session (default: all of the current one), as JSON text. */
  exportHar(query: { session?: ExchangeQuery['session']; filter?: string }): { ok: true; har: string; count: number } | FilterProblem | TooLarge;
  /** A page of the stored exchanges, in the sort asked for. */
  queryExchanges(query: ExchangeQuery): QueryPage;
  /** How many a filter selects (counted apart from the page: a count can take longer than a page). */
  countExchanges(query: CountQuery): QueryCount;
  listSessions(): SessionInfo[];
  /** Starts a new current session. */
  newSession(query: { name?: string }): SessionInfo;
  renameSession(query: { id: number; name: string }): { ok: boolean; error?: string };
  /** Deletes these exchanges from memory and the store (their Runscope messages, in the outbox, are not touched). */
  deleteExchanges(query: { ids: string[] }): { ok: true; deleted: number };
  /** Pins or unpins these exchanges (meta `pinned`; `is:pinned` finds them). */
  pinExchanges(query: { ids: string[]; pinned: boolean }): { ok: true; count: number };
  /** Deletes a past session and its exchanges (the current one cannot be deleted: start a new one first). */
  deleteSession(query: { id: number }): { ok: boolean; error?: string };
  /** Reads a HAR 1.2 file into a new session, origin import, step by step (ImportHarStepQuery); all or nothing. */
  importHar(query: ImportHarStepQuery): ImportHarStep;
  /**
   * Replays what a filter selects in a session into a Runscope bucket (the given one, else the settings' bucket)
   * through the outbox: a job that queues page by page; follow it with forwardProgress. Refused, nothing
   * queued, naming the field at fault (settings when forwarding is not configured).
   */
  forwardExchanges(query: { session?: ExchangeQuery['session']; filter?: string; bucket?: string }): { ok: true; job: ForwardJob } | ForwardRefused;
  /** Where a forwardExchanges job stands; null for a job this run does not know. */
  forwardProgress(query: { job: string }): ForwardJob | null;
  /** Values seen in the traffic, for the filter box's suggestions. */
  filterSuggestions(query: { field: 'host' | 'method' | 'status' | 'type'; prefix?: string }): string[];
  /**
   * Sends a stored exchange's request again through the proxy (with `request` changes: Edit and send); the new
   * exchange (origin replay, meta.replayOf) is captured and forwarded like any other. Answers once it is recorded.
   */
  resendExchange(query: { id: string; request?: ResendEdits }): ResendResult;
  /** The Runscope-compatible collector (--collector, or the Settings toggle): whether it runs, its URL and bearer token. */
  getCollector(): CollectorView;
  /** Starts or stops the collector (on `port`, default the last one) and keeps the choice for the next start. */
  setCollector(query: { enabled: boolean; port?: number }): { ok: true; view: CollectorView } | { ok: false; error: string };
  /** Starts a Chromium-family browser with its own profile, through the proxy and trusting the app's CA (that profile only). */
  openBrowser(query: { url?: string }): { ok: true; browser: string; pid: number } | { ok: false; error: string };
  /** POSTs one sample message with the saved settings, now, and says what the collector answered (Settings' check). */
  sendTestMessage(): TestMessageResult;
  /** The browsers Open browser can start, the one it picks first (PROXYSCOPE_BROWSER, when set, is the only one). */
  listBrowsers(): string[];
  /** The active rules, and where they come from (saved, or a --rules file for this run). */
  getRules(): RulesView;
  /** Checks and saves a whole list of rules (then active); refused as a whole, naming each rule and field at fault. */
  saveRules(query: { rules: unknown[] }): SaveRulesResult;
  /** Exchanges a breakpoint rule holds now, oldest first. */
  listPaused(): PausedExchange[];
  /** Answered exchanges still open (streams, WebSockets), oldest first: what a UI that connects now missed. */
  listOpen(): ExchangeSummary[];
  /** Lets a paused exchange go on: as it was, or with the changes given for its phase (what is left out stays). */
  resumePaused(query: { id: string; request?: RequestChanges; response?: ResponseChanges }): PauseResult;
  /** Closes the client's connection; the exchange is recorded as dropped at the breakpoint. */
  dropPaused(query: { id: string }): PauseResult;
  /** Answers a paused request with this response; the upstream is never asked. */
  respondPaused(query: { id: string; status: number; headers?: HeaderPair[]; body?: string; bodyBase64?: string }): PauseResult;
}

/** Where a breakpoint holds an exchange: its request before the upstream is asked, or the upstream's response before the client gets it. */
export type PausePhase = 'request' | 'response';

/** How a pause ended. */
export type PauseOutcome = 'resumed' | 'edited' | 'answered' | 'dropped' | 'timed out' | 'client gone';

/** An exchange a breakpoint holds, with what may be edited in its phase. */
export interface PausedExchange {
  id: string;
  phase: PausePhase;
  /** The breakpoint rule's name. */
  rule: string;
  pausedAt: number;
  /** When it goes on by itself, unedited (epoch ms). */
  resumesAt: number;
  request: { method: string; url: string; httpVersion: string; headers: HeaderPair[]; body: BodyView };
  /** The upstream's response, in the response phase; null in the request phase. */
  response: { status: number; reason: string; headers: HeaderPair[]; body: BodyView } | null;
}

/** What changes in a paused request; `body` is text (UTF-8), `bodyBase64` bytes; Content-Length follows the body. */
export interface RequestChanges {
  method?: string;
  url?: string;
  headers?: HeaderPair[];
  body?: string;
  bodyBase64?: string;
}

/** What changes in a paused response; a new status without `reason` gets the standard one. */
export interface ResponseChanges {
  status?: number;
  reason?: string;
  headers?: HeaderPair[];
  body?: string;
  bodyBase64?: string;
}

export type PauseResult = { ok: true } | { ok: false; error: string };

export type { Rule, RuleAction, RuleInput, RuleProblem };

export interface RulesView {
  rules: Rule[];
  /** Where the active rules come from: saved in the data dir, or a --rules file for this run. */
  source: 'saved' | 'file';
  file: string | null;
}

export type SaveRulesResult = { ok: true; view: RulesView } | { ok: false; problems: RuleProblem[] };

export type CommandName = keyof Commands;
export type CommandArg<K extends CommandName> = Parameters<Commands[K]> extends [infer A] ? A : undefined;
export type CommandResult<K extends CommandName> = ReturnType<Commands[K]>;

/** Events are batched by the core (at most one batch per ~16 ms). */
export type CoreEvent =
  /**
   * `matches`: for each filter recently queried with queryExchanges, the ids in
   * `updated` that it selects (a renderer finds its own filter's text there).
   */
  | { type: 'exchanges'; added: ExchangeSummary[]; updated: ExchangeSummary[]; matches?: Record<string, string[]> }
  /** A session was started, renamed or deleted, or evicted exchanges. */
  | { type: 'sessions'; sessions: SessionInfo[] }
  | { type: 'deliveries'; records: DeliverySummary[] }
  | { type: 'status'; status: Status }
  /** Alert rules that matched finished exchanges (rate-limited per rule). */
  | { type: 'alerts'; alerts: RuleAlert[] }
  /** A breakpoint holds this exchange now. */
  | { type: 'paused'; paused: PausedExchange }
  /** A paused exchange went on, was answered or dropped, or its client went away. */
  | { type: 'unpaused'; id: string; phase: PausePhase; outcome: PauseOutcome }
  | { type: 'cleared' };

export type CollectorView = { running: true; url: string; token: string; port: number } | { running: false; url: null; token: null; port: number };

/** Changes to a resent request ("Edit and send"); what is not given is sent as it was. */
export interface ResendEdits {
  method?: string;
  url?: string;
  headers?: HeaderPair[];
  /** Text; or bodyBase64 for bytes. */
  body?: string;
  bodyBase64?: string;
}

export type ResendResult = { ok: true; id: string; status: number | null; error: string | null } | { ok: false; error: string };

export type TestMessageResult =
  | { ok: true; httpStatus: number; uuid: string | null; id: string; bucket: string }
  | { ok: false; httpStatus: number | null; error: string };

/** An alert rule matched a finished exchange. */
export interface RuleAlert {
  rule: string;
  id: string;
  method: string;
  url: string;
  status: number | null;
  /** Matches of this rule not alerted since its previous alert (over its rate). */
  suppressed: number;
  at: number;
}

/** What the core implements: each command may answer synchronously or not. */
export type CommandHandlers = {
  [K in CommandName]: (arg: CommandArg<K>) => CommandResult<K> | Promise<CommandResult<K>>;
};

/** The core as a transport sees it. */
export interface CoreService {
  handlers: CommandHandlers;
  /** Subscribe to event batches; returns the unsubscribe function. */
  subscribe(listener: (events: CoreEvent[]) => void): () => void;
}
