// The contract between the renderer and the core: commands + events, types only.
// Both transports (Electron IPC and the headless WebSocket) carry exactly this.

/** Where one exchange's message to Runscope stands (outbox row state). */
export type DeliveryState = 'queued' | 'sent' | 'retrying' | 'failed';
/** How far the proxied exchange itself got: response still coming, done, or broken off. */
export type ExchangeProgress = 'pending' | 'complete' | 'failed';
export type HeaderPair = [name: string, value: string];

export interface BodyView {
  /** Captured bytes, base64-encoded (at most the per-body cap). */
  base64: string;
  /** Bytes seen on the wire (may exceed what was kept). */
  size: number;
  truncated: boolean;
}

export interface ExchangeSummary {
  id: string;
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
}

export interface ExchangeDetail extends ExchangeSummary {
  httpVersion: string;
  request: { headers: HeaderPair[]; body: BodyView };
  response: { status: number; reason: string; headers: HeaderPair[]; body: BodyView } | null;
  timings: { startedAt: number; responseStartedAt: number | null; endedAt: number | null };
  /** Facts addons keep about the exchange (the delivery state, tags). */
  meta: Record<string, string | number | boolean | null>;
}

export interface DeliveryRecord {
  exchangeId: string;
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
}

export type SettingsField = keyof SettingsInput;

export type SaveSettingsResult =
  | { ok: true; settings: SettingsView }
  | { ok: false; errors: Partial<Record<string, string>> };

export interface Status {
  proxy: string;
  caPath: string;
  caExported: boolean;
  forwarding: boolean;
  /** Why forwarding is off or paused (e.g. "access token rejected"); null when all is well. */
  forwardingNote: string | null;
  outboxDepth: number;
  lastDeliveryError: string | null;
}

export interface Commands {
  getSettings(): SettingsView;
  saveSettings(input: SettingsInput): SaveSettingsResult;
  getStatus(): Status;
  listExchanges(query: { limit?: number }): ExchangeSummary[];
  getExchange(query: { id: string }): ExchangeDetail | null;
  getDelivery(query: { exchangeId: string }): DeliveryRecord | null;
  listDeliveries(query: { limit?: number; state?: DeliveryState }): DeliverySummary[];
  clearTraffic(): { ok: true };
  retryDelivery(query: { exchangeId: string }): { ok: boolean; error?: string };
  exportCa(): { pem: string; path: string };
  /** HAR 1.2 of the captured exchanges (all, or the given ids), as JSON text. */
  exportHar(query: { ids?: string[] }): { har: string; count: number };
}

export type CommandName = keyof Commands;
export type CommandArg<K extends CommandName> = Parameters<Commands[K]> extends [infer A] ? A : undefined;
export type CommandResult<K extends CommandName> = ReturnType<Commands[K]>;

/** Events are batched by the core (at most one batch per ~16 ms). */
export type CoreEvent =
  | { type: 'exchanges'; added: ExchangeSummary[]; updated: ExchangeSummary[] }
  | { type: 'deliveries'; records: DeliverySummary[] }
  | { type: 'status'; status: Status }
  | { type: 'cleared' };

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
