// Runs an exchange's hooks on the addons, in their order. Hook lists are built
// once: this runs for every request the proxy carries.
import type { CommandHandlers, Status } from '../api.js';
import type { Exchange } from '../flow/exchange.js';
import type { RunscopeSettings } from '../settings/schema.js';
import type { Addon, AddonContext, Decision, GoChanges, Verdict } from './addon.js';

/** The verdict when no addon intervenes; one object, since this runs per request. */
const GO: Verdict = Object.freeze({ kind: 'go' });

/** A later hook's changes over an earlier one's; what it leaves out stays; rewrites add up, in order. */
function merged(earlier: GoChanges | undefined, later: GoChanges): GoChanges {
  const out: GoChanges = { request: later.request ?? earlier?.request, response: later.response ?? earlier?.response };
  const throttle = Math.min(later.throttleKbps ?? Infinity, earlier?.throttleKbps ?? Infinity);
  if (throttle !== Infinity) out.throttleKbps = throttle;
  const rewrites = [...(earlier?.rewrites ?? []), ...(later.rewrites ?? [])];
  if (rewrites.length > 0) out.rewrites = rewrites;
  return out;
}

type ExchangeHook = 'requestHeaders' | 'request' | 'responseHeaders' | 'response' | 'progress' | 'error' | 'recorded';

export class Pipeline {
  private readonly with: { [K in ExchangeHook]: Addon[] };
  private readonly intercepting: Addon[];
  private readonly ending: Addon[];
  private readonly keeper: Addon | undefined;
  private readonly noticing: Addon[];

  constructor(readonly addons: readonly Addon[]) {
    const having = (hook: keyof Addon) => addons.filter((a) => typeof a[hook] === 'function');
    this.with = {
      requestHeaders: having('requestHeaders'),
      request: having('request'),
      responseHeaders: having('responseHeaders'),
      response: having('response'),
      progress: having('progress'),
      error: having('error'),
      recorded: having('recorded'),
    };
    this.noticing = having('metaChanged');
    this.intercepting = having('intercept');
    this.ending = having('done');
    this.keeper = addons.find((a) => a.find && a.latest);
  }

  async start(ctx: Omit<AddonContext, 'setMeta' | 'find' | 'latest' | 'clear' | 'forget'>): Promise<void> {
    const full: AddonContext = {
      ...ctx,
      setMeta: (id, key, value) => {
        const ex = this.keeper?.find!(id);
        if (ex) ex.meta[key] = value;
        for (const a of this.noticing) a.metaChanged!({ id, key, value }, ex);
      },
      find: (id) => this.keeper?.find!(id),
      latest: (limit) => this.keeper?.latest!(limit) ?? [],
      clear: () => this.clear(),
      forget: (ids) => this.keeper?.forget?.(ids),
    };
    // Together: the session store and the outbox each boot a worker thread, and neither waits for the other.
    const started = await Promise.allSettled(this.addons.map(async (a) => a.start?.(full)));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      const ok = this.addons.filter((_, i) => started[i]!.status === 'fulfilled');
      for (const a of ok.reverse()) await Promise.resolve().then(() => a.stop?.()).catch(() => undefined);
      throw failed.reason;
    }
    this.configure(ctx.settings());
  }

  configure(settings: RunscopeSettings): void {
    for (const a of this.addons) a.configure?.(settings);
  }

  /**
   * The intercept hooks' verdict: synchronous unless one of them holds or
   * pauses. A `go` with changes lets the later hooks decide too; the changes
   * are carried to the verdict (a later hook's replace an earlier one's).
   */
  intercept(ex: Exchange, from = 0, changes?: GoChanges): Verdict | Promise<Verdict> {
    for (let i = from; i < this.intercepting.length; i++) {
      const decision = this.intercepting[i]!.intercept!(ex);
      if (decision === undefined) continue;
      if ('go' in decision) {
        changes = merged(changes, decision.go);
        continue;
      }
      return this.settle(ex, decision, i + 1, changes);
    }
    return changes ? { kind: 'go', ...changes } : GO;
  }

  private settle(ex: Exchange, decision: Exclude<Decision, undefined | { go: GoChanges }>, next: number, changes: GoChanges | undefined): Verdict | Promise<Verdict> {
    if ('hold' in decision) return this.resume(ex, decision.hold, next, changes);
    if ('pause' in decision) return { kind: 'pause', decide: (p) => this.resume(ex, decision.pause(p), next, changes) };
    if ('drop' in decision) return { kind: 'drop' };
    if ('close' in decision) return { kind: 'close', error: decision.close };
    return { kind: 'answer', answer: decision.answer };
  }

  private async resume(ex: Exchange, hold: Promise<Decision>, next: number, changes: GoChanges | undefined): Promise<Verdict> {
    const decision = await hold;
    if (decision === undefined) return this.intercept(ex, next, changes);
    if ('go' in decision) return this.intercept(ex, next, merged(changes, decision.go));
    return this.settle(ex, decision, next, changes);
  }

  run(hook: ExchangeHook, ex: Exchange): void {
    for (const a of this.with[hook]) a[hook]!(ex);
  }

  /** The exchange ended: `done` on every addon, then `recorded` once none of them waits. */
  done(ex: Exchange): void {
    let waiting = 1;
    const release = () => {
      if (--waiting === 0) this.run('recorded', ex);
    };
    const wait = () => {
      waiting++;
      let once = false;
      return () => {
        if (once) return;
        once = true;
        release();
      };
    };
    for (const a of this.ending) a.done!(ex, wait);
    release();
  }

  clear(): void {
    this.keeper?.clear?.();
    for (const a of this.addons) a.cleared?.();
  }

  status(base: Status): Status {
    return Object.assign(base, ...this.addons.map((a) => a.status?.() ?? {}));
  }

  /** Every addon's commands; two addons may not answer the same one. */
  commands(): Partial<CommandHandlers> {
    const out: Partial<CommandHandlers> = {};
    for (const a of this.addons) {
      for (const [name, handler] of Object.entries(a.commands ?? {})) {
        if (name in out) throw new Error(`command ${name} is answered by two addons (the second is ${a.name})`);
        (out as Record<string, unknown>)[name] = handler;
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    for (const a of [...this.addons].reverse()) await a.stop?.();
  }
}
