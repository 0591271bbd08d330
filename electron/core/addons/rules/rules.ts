// The rules addon (issue #20): runs the user's rules on each exchange. Request
// rules (no-record, delay, mock, breakpoint, rewrite) decide in `intercept`, before anyone records
// the exchange; the rest (no-forward, bucket, redact, alert) on the finished
// exchange, in `done` and `recorded`. It runs first, so a redaction
// "everywhere" is made before any other addon keeps a copy.
import { readFile } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import type { HeaderPair, PausedExchange, RuleAlert, RulesView, Status } from '../../api.js';
import { exchangeTarget } from '../../filter/exchangeTarget.js';
import { webhookPayload } from '../../alerts/webhookPayload.js';
import type { Exchange } from '../../flow/exchange.js';
import { fromState, toState, type ExchangeState } from '../../flow/state.js';
import { FORWARD_BUCKET_META, FORWARD_SKIP_META } from '../../flow/views.js';
import type { Addon, AddonContext, Answer, Decision, Rewrite } from '../../pipeline/addon.js';
import { credentialsSpec, redactState, type RedactionSpec } from '../../rules/redact.js';
import type { Rule, RuleAction } from '../../rules/ruleSchema.js';
import type { RulesStorage } from '../../rules/rulesStorage.js';
import { validateRules } from '../../rules/validateRules.js';
import { CAPTURE_DEFAULTS } from '../../settings/captureLimits.js';
import { AlertLimiter } from './alertLimiter.js';
import { Breakpoints } from './breakpoints.js';
import { compileRules, connectTarget, type Compiled, type CompiledRule } from './compiledRules.js';
import { rewriteOf, withRewrites, withThrottle } from './rewrites.js';

/** Meta keys the rules set on an exchange, shown with it. */
export const RULES_META = 'rules';
export const MOCK_META = 'rule.mock';

export interface RulesOptions {
  storage: RulesStorage;
  /** --rules FILE: these instead of the saved ones, for this run. */
  override?: { rules: Rule[]; file: string } | null;
  onAlert?: (a: RuleAlert) => void;
  /** An alert of a rule with a webhook: its URL and the JSON to POST (the alert and the exchange's summary, redacted as forwarded). */
  onWebhook?: (url: string, payload: unknown) => void;
  /** A paused exchange goes on by itself after this many ms (default 5 minutes). */
  breakpointTimeoutMs?: number;
  onPaused?: (p: PausedExchange) => void;
}

export interface RulesAddon extends Addon {
  /** The passthrough rule that takes this CONNECT, or null to decrypt it. */
  passthroughFor(host: string, port: number): string | null;
  /** For the forward addon: the redactions of what is forwarded (credentials, and the rules' own). */
  forwardRedaction(state: ExchangeState): ExchangeState;
}

type Of<T extends RuleAction['type']> = Extract<RuleAction, { type: T }>;

function mockAnswer(rule: CompiledRule<Of<'mock'>>, body: Buffer): Answer {
  const headers: HeaderPair[] = Object.entries(rule.action.headers);
  if (!headers.some(([n]) => n.toLowerCase() === 'content-length')) headers.push(['content-length', String(body.length)]);
  return { status: rule.action.status, reason: STATUS_CODES[rule.action.status] ?? '', headers, body };
}

/** A rule that cannot do its work answers 502 naming itself; the exchange records why. */
function failedAnswer(rule: CompiledRule, why: string): Answer {
  const error = `rule ${JSON.stringify(rule.name)}: ${why}`;
  return { status: 502, reason: 'Bad Gateway', headers: [['content-type', 'text/plain; charset=utf-8']], body: `Proxyscope ${error}\n`, error };
}

async function mockDecision(rule: CompiledRule<Of<'mock'>>): Promise<Decision> {
  if (rule.action.file === undefined) return { answer: mockAnswer(rule, Buffer.from(rule.action.body ?? '')) };
  try {
    return { answer: mockAnswer(rule, await readFile(rule.action.file)) };
  } catch (err) {
    return { answer: failedAnswer(rule, `mock file ${rule.action.file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`) };
  }
}

const noteRule = (ex: Exchange, name: string) => {
  const prior = ex.meta[RULES_META];
  ex.meta[RULES_META] = typeof prior === 'string' && prior !== '' ? `${prior}, ${name}` : name;
};

export function rulesAddon(opts: RulesOptions): RulesAddon {
  let ctx: AddonContext;
  let view: RulesView = { rules: [], source: 'saved', file: null };
  let compiled: Compiled = compileRules([]);
  let redactCredentials = true;
  let warning: string | null = null;
  const limiter = new AlertLimiter();
  /** Index of the mock that answered an exchange: rules after it do not apply. */
  const endedAt = new WeakMap<Exchange, number>();
  /** Forward redactions of exchanges between done and recorded. */
  const forwardSpecs = new Map<string, RedactionSpec[]>();
  const breakpoints = new Breakpoints({
    timeoutMs: opts.breakpointTimeoutMs ?? CAPTURE_DEFAULTS.breakpointTimeout,
    events: () => ctx.events,
    onPaused: opts.onPaused,
    log: (line) => ctx.log(line),
  });

  const use = (next: RulesView) => {
    compiled = compileRules(next.rules);
    view = next;
    limiter.forget(new Set(next.rules.map((r) => r.name)));
  };
  const applies = (ex: Exchange, r: CompiledRule) => r.index < (endedAt.get(ex) ?? Infinity);

  function intercept(ex: Exchange): Decision {
    if (compiled.request.length === 0) return undefined;
    const target = exchangeTarget(ex);
    let delayMs = 0;
    let kbps: number | undefined;
    let answer: Promise<Decision> | null = null;
    let breakpoint: CompiledRule<Of<'breakpoint'>> | null = null;
    let rewrites: Rewrite[] | null = null;
    for (const rule of compiled.request) {
      if (!rule.matches(target)) continue;
      const a = rule.action;
      if (a.type === 'no-record') return { drop: true };
      noteRule(ex, rule.name);
      if (a.type === 'delay') {
        delayMs += a.ms ?? 0;
        if (a.kbps !== undefined) kbps = Math.min(kbps ?? Infinity, a.kbps);
      }
      else if (a.type === 'breakpoint') breakpoint ??= rule as CompiledRule<Of<'breakpoint'>>;
      else if (a.type === 'rewrite') (rewrites ??= []).push(rewriteOf(rule.name, a));
      else if (a.type === 'mock') {
        ex.meta[MOCK_META] = rule.name;
        endedAt.set(ex, rule.index);
        answer = mockDecision(rule as CompiledRule<Of<'mock'>>);
        break;
      }
    }
    let next: Decision = answer ? { hold: answer } : undefined;
    if (breakpoint) next = breakpoints.decide(ex, breakpoint.name, breakpoint.action.on, next);
    if (rewrites) next = withRewrites(next, rewrites);
    if (kbps !== undefined) next = withThrottle(next, kbps);
    if (delayMs === 0) return next;
    const waited = new Promise<void>((resolve) => setTimeout(resolve, delayMs));
    return { hold: waited.then(() => next) };
  }

  function done(ex: Exchange): void {
    if (ex.tunnel) {
      // A passthrough rule took it at the CONNECT: like a mock, it ends the matching.
      const rule = ex.tunnel.rule;
      const at = view.rules.findIndex((r) => r.name === rule && r.action.type === 'passthrough');
      if (at >= 0) endedAt.set(ex, at);
      noteRule(ex, rule);
    }
    if (compiled.end.length === 0) return;
    const target = exchangeTarget(ex);
    const specs: RedactionSpec[] = [];
    const everywhere: RedactionSpec[] = [];
    for (const rule of compiled.end) {
      if (!applies(ex, rule) || !rule.matches(target)) continue;
      const a = rule.action;
      if (a.type === 'alert') continue;
      noteRule(ex, rule.name);
      if (a.type === 'no-forward') ex.meta[FORWARD_SKIP_META] = true;
      else if (a.type === 'bucket') ex.meta[FORWARD_BUCKET_META] ??= a.bucket;
      else if (a.type === 'redact') (a.where === 'everywhere' ? everywhere : specs).push(a);
    }
    if (everywhere.length > 0) {
      let state = toState(ex);
      for (const spec of everywhere) state = redactState(state, spec);
      const back = fromState(state);
      ex.request = back.request;
      ex.response = back.response;
      ex.upstream = back.upstream;
    }
    if (specs.length > 0) forwardSpecs.set(ex.id, specs);
  }

  function redactForForward(state: ExchangeState, specs: readonly RedactionSpec[] | undefined): ExchangeState {
    let out = redactCredentials ? redactState(state, credentialsSpec) : state;
    for (const spec of specs ?? []) out = redactState(out, spec);
    return out;
  }

  function recorded(ex: Exchange): void {
    const specs = forwardSpecs.get(ex.id);
    forwardSpecs.delete(ex.id);
    if (compiled.end.length === 0) return;
    let target: ReturnType<typeof exchangeTarget> | null = null;
    for (const rule of compiled.end) {
      if (rule.action.type !== 'alert' || !applies(ex, rule)) continue;
      target ??= exchangeTarget(ex);
      if (!rule.matches(target)) continue;
      const suppressed = limiter.take(rule.name, rule.action.perSecond);
      if (suppressed === null) continue;
      const alert: RuleAlert = { rule: rule.name, id: ex.id, method: target.method, url: target.url, status: target.status, suppressed, at: Date.now() };
      if (rule.action.notify) ctx.events.alert(alert);
      opts.onAlert?.(alert);
      if (rule.action.webhook) opts.onWebhook?.(rule.action.webhook, webhookPayload(alert, ex, (s) => redactForForward(s, specs)));
    }
  }

  return {
    name: 'rules',
    async start(c) {
      ctx = c;
      if (opts.override) use({ rules: opts.override.rules, source: 'file', file: opts.override.file });
      else {
        const loaded = await opts.storage.load();
        if (loaded.warning) c.log((warning = loaded.warning));
        use({ rules: loaded.rules, source: 'saved', file: null });
      }
    },
    configure(settings) {
      redactCredentials = settings.redact_credentials;
    },
    intercept,
    done,
    recorded,
    passthroughFor(host, port) {
      if (compiled.connect.length === 0) return null;
      const target = connectTarget(host, port);
      return compiled.connect.find((r) => r.matches(target))?.name ?? null;
    },
    forwardRedaction: (state) => redactForForward(state, forwardSpecs.get(state.id)),
    status: (): Partial<Status> => (warning ? { rulesNote: warning } : {}),
    stop: () => breakpoints.stop(),
    commands: {
      ...breakpoints.commands,
      getRules: () => view,
      saveRules: async ({ rules }) => {
        const checked = validateRules(rules);
        if (!checked.ok) return { ok: false, problems: checked.problems };
        await opts.storage.save(checked.rules);
        warning = null;
        use({ rules: checked.rules, source: 'saved', file: null });
        ctx.events.statusChanged();
        return { ok: true, view };
      },
    },
  };
}
