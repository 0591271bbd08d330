// Runs an exchange's hooks on the addons, in their order. Hook lists are built
// once: this runs for every request the proxy carries.
import type { CommandHandlers, Status } from '../api.js';
import type { Exchange } from '../flow/exchange.js';
import type { RunscopeSettings } from '../settings/schema.js';
import type { Addon, AddonContext, Decision, Rewrite, Verdict } from './addon.js';

/** The verdict when no addon intervenes; one object, since this runs per request. */
const GO: Verdict = Object.freeze({ kind: 'go' });
const NO_REWRITES: readonly Rewrite[] = Object.freeze([]);

type ExchangeHook = 'requestHeaders' | 'request' | 'responseHeaders' | 'response' | 'error' | 'recorded';

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
      error: having('error'),
      recorded: having('recorded'),
    };
    this.noticing = having('metaChanged');
    this.intercepting = having('intercept');
    this.ending = having('done');
    this.keeper = addons.find((a) => a.find && a.latest);
  }

  async start(ctx: Omit<AddonContext, 'setMeta' | 'find' | 'latest' | 'clear'>): Promise<void> {
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
    };
    for (const a of this.addons) await a.start?.(full);
    this.configure(ctx.settings());
  }

  configure(settings: RunscopeSettings): void {
    for (const a of this.addons) a.configure?.(settings);
  }

  /**
   * The intercept hooks' verdict: synchronous unless one of them holds. A
   * rewrite lets the next addons decide too; the rewrites go with a `go`.
   */
  intercept(ex: Exchange, from = 0, rewrites: readonly Rewrite[] = NO_REWRITES): Verdict | Promise<Verdict> {
    for (let i = from; i < this.intercepting.length; i++) {
      const decision = this.intercepting[i]!.intercept!(ex);
      if (decision === undefined) continue;
      if ('hold' in decision) return this.resume(ex, decision.hold, i + 1, rewrites);
      if ('rewrite' in decision) {
        rewrites = [...rewrites, ...decision.rewrite];
        continue;
      }
      return 'drop' in decision ? { kind: 'drop' } : { kind: 'answer', answer: decision.answer };
    }
    return rewrites.length === 0 ? GO : { kind: 'go', rewrites };
  }

  private async resume(ex: Exchange, hold: Promise<Decision>, next: number, rewrites: readonly Rewrite[]): Promise<Verdict> {
    const decision = await hold;
    if (decision === undefined) return this.intercept(ex, next, rewrites);
    if ('hold' in decision) return this.resume(ex, decision.hold, next, rewrites);
    if ('rewrite' in decision) return this.intercept(ex, next, [...rewrites, ...decision.rewrite]);
    return 'drop' in decision ? { kind: 'drop' } : { kind: 'answer', answer: decision.answer };
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
