// The har addon: the exportHar command (HAR 1.2 of the kept exchanges, export.ts).
// import.ts converts a HAR document back into exchange states; no command uses it yet.
import { toState } from '../../flow/state.js';
import type { Addon, AddonContext } from '../../pipeline/addon.js';
import { toHar } from './export.js';

export function harAddon(): Addon {
  let ctx: AddonContext;
  return {
    name: 'har',
    start: (c) => {
      ctx = c;
    },
    commands: {
      exportHar: ({ ids }) => {
        const exchanges = ids ? ids.map((id) => ctx.find(id)).filter((e) => e !== undefined) : ctx.latest(Number.MAX_SAFE_INTEGER);
        return { har: JSON.stringify(toHar(exchanges.map((ex) => toState(ex)))), count: exchanges.length };
      },
    },
  };
}
