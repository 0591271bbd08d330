// Breakpoint rules (docs/rules.md, "Breakpoints"): an exchange a breakpoint
// matched waits for the user at its request, its response, or both, and goes
// on as they say (resumed as it was, edited, answered, dropped) or by itself,
// unedited, after the timeout. Only that exchange waits: the proxy holds each
// request apart, so other traffic never waits on a paused one.
import type { BodyView, CommandHandlers, HeaderPair, PausedExchange, PauseOutcome, PausePhase, PauseResult, RequestChanges, ResponseChanges } from '../../api.js';
import type { EventBatcher } from '../../eventBatcher.js';
import type { Exchange } from '../../flow/exchange.js';
import { headerPairs } from '../../flow/headers.js';
import type { Decision, Paused, ResponseDecision, ResponseHook } from '../../pipeline/addon.js';
import { answerOf, requestEdit, responseEdit, type Built } from './breakpointEdits.js';

/** Meta: the breakpoint rule's name; `.request` / `.response` how each pause ended (PauseOutcome), or why there was none. */
export const BREAKPOINT_META = 'rule.breakpoint';
/** Past this many paused at once, a match goes on unpaused: each one holds its bodies, up to the capture cap. */
export const MAX_PAUSED = 100;

export type BreakpointOn = 'request' | 'response' | 'both';

/** What the user, the timeout or the client's leaving decided. */
type Action =
  | { kind: 'resume'; request?: RequestChanges; response?: ResponseChanges }
  | { kind: 'respond'; status: number; headers: HeaderPair[]; body: Buffer }
  | { kind: 'drop' }
  | { kind: 'timeout' }
  | { kind: 'gone' };

type Settled<D> = { decision: D; outcome: PauseOutcome } | { error: string };

interface Entry {
  view: PausedExchange;
  settle(action: Action): PauseResult;
}

export interface BreakpointsOptions {
  timeoutMs: number;
  /** The UI's event stream (the addon context's, known once it starts). */
  events(): EventBatcher;
  onPaused?(p: PausedExchange): void;
  log(line: string): void;
}

const bodyView = (bytes: Buffer, size = bytes.length): BodyView => ({ base64: bytes.toString('base64'), size, truncated: size > bytes.length });
const built = <T, D>(b: Built<T>, decide: (edit: T | null) => D): Settled<D> =>
  b.ok ? { decision: decide(b.edit), outcome: b.edit ? 'edited' : 'resumed' } : { error: b.error };

export class Breakpoints {
  private readonly paused = new Map<string, Entry>();

  constructor(private readonly opts: BreakpointsOptions) {}

  /**
   * The decision for an exchange breakpoint `rule` matched. `after` is what the
   * rules after it decided (a mock): it still answers once the pause is over,
   * unless the user answered or dropped the request themselves.
   */
  decide(ex: Exchange, rule: string, on: BreakpointOn, after: Decision): Decision {
    ex.meta[BREAKPOINT_META] = rule;
    const response: ResponseHook | undefined = on === 'request' ? undefined : (e) => ({ pause: (p) => this.pauseResponse(e, rule, p) });
    const goOn: Decision = after ?? (response ? { go: { response } } : undefined);
    if (on === 'response') return goOn;
    return { pause: (p) => this.pauseRequest(ex, rule, p, after, response) };
  }

  list(): PausedExchange[] {
    return [...this.paused.values()].map((e) => e.view);
  }

  readonly commands: Pick<CommandHandlers, 'listPaused' | 'resumePaused' | 'dropPaused' | 'respondPaused'> = {
    listPaused: () => this.list(),
    resumePaused: ({ id, request, response }) => this.act(id, { kind: 'resume', request, response }),
    dropPaused: ({ id }) => this.act(id, { kind: 'drop' }),
    respondPaused: ({ id, status, headers, body, bodyBase64 }) =>
      this.act(id, { kind: 'respond', status, headers: headers ?? [], body: bodyBase64 !== undefined ? Buffer.from(bodyBase64, 'base64') : Buffer.from(body ?? '', 'utf8') }),
  };

  /** Stopping: whatever is still paused goes on as if its client had left. */
  stop(): void {
    for (const id of [...this.paused.keys()]) this.act(id, { kind: 'gone' });
  }

  private act(id: string, action: Action): PauseResult {
    const entry = this.paused.get(id);
    return entry ? entry.settle(action) : { ok: false, error: `exchange ${id} is not paused` };
  }

  /** Why this one is not paused, or null to pause it. */
  private refusal(p: Paused): string | null {
    if (p.signal.aborted) return 'client gone';
    if (!p.complete) return 'not paused: its body is over the capture cap (--max-body-bytes)';
    if (this.paused.size >= MAX_PAUSED) return `not paused: ${MAX_PAUSED} exchanges are paused already`;
    return null;
  }

  private pauseRequest(ex: Exchange, rule: string, p: Paused, after: Decision, response: ResponseHook | undefined): Promise<Decision> {
    const goOn: Decision = after ?? (response ? { go: { response } } : undefined);
    const key = `${BREAKPOINT_META}.request`;
    const refused = this.refusal(p);
    if (refused) return this.skip(ex, key, refused, goOn);
    const was = { method: ex.request.method, url: ex.request.url, headers: headerPairs(ex.request.headers), body: p.body };
    const view: PausedExchange = {
      ...this.stamp(ex, 'request', rule),
      request: { method: was.method, url: was.url, httpVersion: ex.request.httpVersion, headers: was.headers, body: bodyView(p.body) },
      response: null,
    };
    return this.hold<Decision>(ex, key, view, p, (action) => {
      switch (action.kind) {
        case 'resume':
          if (action.response) return { error: `response: exchange ${ex.id} is paused at its request` };
          return built(requestEdit(was, action.request ?? {}), (edit) => after ?? (edit ? { go: { request: edit, response } } : goOn));
        case 'respond':
          return { decision: { answer: answerOf(action.status, action.headers, action.body, was.method === 'HEAD') }, outcome: 'answered' };
        case 'drop':
          return { decision: { close: `dropped at breakpoint ${JSON.stringify(rule)}` }, outcome: 'dropped' };
        case 'timeout':
          return { decision: goOn, outcome: 'timed out' };
        case 'gone':
          return { decision: undefined, outcome: 'client gone' };
      }
    });
  }

  private pauseResponse(ex: Exchange, rule: string, p: Paused): Promise<ResponseDecision> {
    const key = `${BREAKPOINT_META}.response`;
    const refused = this.refusal(p);
    if (refused) return this.skip(ex, key, refused, undefined);
    const res = ex.response!;
    const was = { status: res.status, reason: res.reason, headers: headerPairs(res.headers), body: p.body };
    const view: PausedExchange = {
      ...this.stamp(ex, 'response', rule),
      request: { method: ex.request.method, url: ex.request.url, httpVersion: ex.request.httpVersion, headers: headerPairs(ex.request.headers), body: bodyView(ex.request.body.bytes(), ex.request.body.size) },
      response: { status: was.status, reason: was.reason, headers: was.headers, body: bodyView(p.body) },
    };
    return this.hold<ResponseDecision>(ex, key, view, p, (action) => {
      switch (action.kind) {
        case 'resume':
          if (action.request) return { error: `request: exchange ${ex.id} is paused at its response` };
          return built(responseEdit(was, action.response ?? {}, ex.request.method === 'HEAD'), (edit) => (edit ? { send: edit } : undefined));
        case 'respond':
          return { error: `exchange ${ex.id} is paused at its response: resume it with response changes instead` };
        case 'drop':
          return { decision: { close: `dropped at breakpoint ${JSON.stringify(rule)} (response)` }, outcome: 'dropped' };
        case 'timeout':
          return { decision: undefined, outcome: 'timed out' };
        case 'gone':
          return { decision: undefined, outcome: 'client gone' };
      }
    });
  }

  private stamp(ex: Exchange, phase: PausePhase, rule: string): Pick<PausedExchange, 'id' | 'phase' | 'rule' | 'pausedAt' | 'resumesAt'> {
    const now = Date.now();
    return { id: ex.id, phase, rule, pausedAt: now, resumesAt: now + this.opts.timeoutMs };
  }

  private skip<D>(ex: Exchange, key: string, why: string, decision: D): Promise<D> {
    ex.meta[key] = why;
    if (why !== 'client gone') this.opts.log(`breakpoint ${JSON.stringify(ex.meta[BREAKPOINT_META])}: ${ex.request.method} ${ex.request.url} ${why}`);
    return Promise.resolve(decision);
  }

  /** Waits for the user (or the timeout, or the client leaving); `decide` maps what they did to the proxy's decision. */
  private hold<D>(ex: Exchange, key: string, view: PausedExchange, p: Paused, decide: (a: Action) => Settled<D>): Promise<D> {
    const { id } = ex;
    return new Promise<D>((resolve) => {
      const timer = setTimeout(() => this.act(id, { kind: 'timeout' }), this.opts.timeoutMs);
      timer.unref();
      const onAbort = () => this.act(id, { kind: 'gone' });
      p.signal.addEventListener('abort', onAbort, { once: true });
      this.paused.set(id, {
        view,
        settle: (action) => {
          const settled = decide(action);
          if ('error' in settled) return { ok: false, error: settled.error };
          clearTimeout(timer);
          p.signal.removeEventListener('abort', onAbort);
          this.paused.delete(id);
          ex.meta[key] = settled.outcome;
          this.opts.events().unpaused(id, view.phase, settled.outcome);
          resolve(settled.decision);
          return { ok: true };
        },
      });
      this.opts.events().paused(view);
      this.opts.onPaused?.(view);
    });
  }
}
