// What startApp takes and gives: the core's lifecycle as the shells (Electron, headless) see it.
import type { CoreService, DeliverySummary, ExchangeSummary, PausedExchange, RuleAlert } from './api.js';
import type { Redaction } from './addons/forward/forwardCopy.js';
import type { CollectorSettings } from './collector/appCollector.js';
import type { CollectedEvent } from './collector/collectorServer.js';
import type { Addon } from './pipeline/addon.js';
import type { PassthroughPredicate } from './proxy/tunnel.js';
import type { Rule } from './rules/ruleSchema.js';
import type { CaptureLimits } from './settings/captureLimits.js';
import type { RunscopeSettings } from './settings/schema.js';
import type { SecretStore } from './settings/secretStore.js';

export interface StartAppOptions {
  dataDir: string;
  /**
   * Where the CA and the leaf key live (--ca-dir, env PROXYSCOPE_CA_DIR); default DATA_DIR/ca.
   * Data dirs that share one let a browser trust one CA for all of them.
   */
  caDir?: string;
  /**
   * The proxy port for this run (--port): a busy one fails the start. Without
   * it, the port saved in Settings (default 8080), or when that is busy the
   * next free one after it, which the status then names.
   */
  port?: number;
  /** Ports the fallback must not take: what the caller listens on after the start (the web UI). */
  reservedPorts?: number[];
  host: string;
  secretStore?: SecretStore;
  /** Settings for this run only (CLI flags); validated like saved ones. */
  overrides?: Partial<RunscopeSettings>;
  /** Limits for this run only (CLI flags): the editable ones win over what Settings saved. */
  limits?: Partial<CaptureLimits>;
  /** Extra PEM roots trusted for upstream TLS. */
  upstreamCa?: string[];
  /** Addons run before the built-in ones (they may intercept what those would record). */
  addons?: Addon[];
  /** Start a new session in the store instead of continuing the last one. */
  newSession?: boolean;
  /** false: write nothing to disk but the outbox; the store's commands answer from memory. */
  sessionStore?: boolean;
  /** Steps that remove secrets from what is forwarded, before it is durable. */
  redactions?: Redaction[];
  /** --collector: a Runscope-compatible endpoint whose messages become exchanges in a session per bucket. */
  collector?: CollectorSettings | null;
  /** Flags added to the browser "Open browser" starts (tests keep it off the network with them). */
  browserArgs?: string[];
  /** --rules FILE: these rules for the run instead of the saved ones. */
  rules?: { rules: Rule[]; file: string } | null;
  /** Which CONNECTs pass through undecrypted; without it, the rules' passthrough rules decide (see App.setPassthrough). */
  passthrough?: PassthroughPredicate;
  log?: (line: string) => void;
}

export interface App {
  service: CoreService;
  /** Where the proxy listens now (Settings may move it). */
  readonly proxyUrl: string;
  caPath: string;
  forwarding(): boolean;
  /** An exchange finished and, when forwarding, its message is on disk. */
  onExchange(listener: (s: ExchangeSummary) => void): void;
  onDelivery(listener: (d: DeliverySummary) => void): void;
  /** An alert rule matched (rate-limited per rule). */
  onAlert(listener: (a: RuleAlert) => void): void;
  /** A breakpoint rule paused an exchange (resume, edit or drop it with the pause commands). */
  onPaused(listener: (p: PausedExchange) => void): void;
  /** The collector's URL and token while it runs; null when it does not. */
  collector(): { url: string; token: string } | null;
  /** A message the collector received was stored. */
  onCollected(listener: (e: CollectedEvent) => void): void;
  /**
   * The passthrough seam (tests; the rules addon decides otherwise): from the next CONNECT on, a
   * host:port `predicate` names (it returns the rule's name) goes to the host
   * undecrypted and is recorded as one exchange of kind `tunnel`; null, or a
   * null answer, intercepts as usual. Tunnels already open stay as they are.
   */
  setPassthrough(predicate: PassthroughPredicate | null): void;
  stop(): Promise<void>;
}

export class SettingsError extends Error {
  constructor(readonly errors: Partial<Record<string, string>>) {
    super(Object.values(errors)[0] ?? 'invalid settings');
  }
}
