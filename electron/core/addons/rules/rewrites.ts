// The rewrite rules' part of the request decision: each matching rewrite
// becomes a Rewrite the proxy carries out, and goes with whichever `go` the
// other request rules come to (after a breakpoint's pause too). A mock's
// answer, a drop or a close ends the exchange's way upstream: nothing to rewrite.
import type { Decision, Rewrite } from '../../pipeline/addon.js';
import type { RewriteAction } from '../../rules/rewriteSchema.js';

export function rewriteOf(rule: string, action: RewriteAction): Rewrite {
  const { type: _, ...parts } = action;
  return { rule, ...parts };
}

export function withRewrites(decision: Decision, rewrites: readonly Rewrite[]): Decision {
  if (decision === undefined) return { go: { rewrites } };
  if ('go' in decision) return { go: { ...decision.go, rewrites: [...(decision.go.rewrites ?? []), ...rewrites] } };
  if ('hold' in decision) return { hold: decision.hold.then((d) => withRewrites(d, rewrites)) };
  if ('pause' in decision) {
    const pause = decision.pause;
    return { pause: (p) => pause(p).then((d) => withRewrites(d, rewrites)) };
  }
  return decision;
}

/** The decision with the response body throttled to `kbps` once it goes on (a delay rule's kbps), however it was held. */
export function withThrottle(decision: Decision, kbps: number): Decision {
  if (decision === undefined) return { go: { throttleKbps: kbps } };
  if ('go' in decision) return { go: { ...decision.go, throttleKbps: Math.min(kbps, decision.go.throttleKbps ?? Infinity) } };
  if ('hold' in decision) return { hold: decision.hold.then((d) => withThrottle(d, kbps)) };
  if ('pause' in decision) {
    const pause = decision.pause;
    return { pause: (p) => pause(p).then((d) => withThrottle(d, kbps)) };
  }
  return decision;
}
