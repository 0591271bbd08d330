// --no-session-store: nothing is written to disk; the store's commands answer
// from the memory cache (the newest exchanges), filtered by the in-memory
// matcher, so the UI and the CLI work the same, over less history.
import type { ExchangeQuery, ExchangeSummary, FilterProblem, SessionInfo, SortColumn } from '../../api.js';
import { exchangeTarget } from '../../filter/exchangeTarget.js';
import { compileFilter, parseFilter } from '../../filter/index.js';
import type { Exchange } from '../../flow/exchange.js';
import { toState } from '../../flow/state.js';
import { detailOf, summaryOf } from '../../flow/views.js';
import { harText, HAR_MAX_CHARS, TOO_LARGE } from '../../har/export.js';
import type { Addon, AddonContext } from '../../pipeline/addon.js';

const OFF = 'the session store is off (--no-session-store): only the exchanges in memory are kept';

export function memoryOnlyAddon(): Addon {
  let ctx: AddonContext;
  const startedAt = Date.now();
  const matching = (filter: string | undefined): Exchange[] | FilterProblem => {
    const parsed = parseFilter(filter ?? '');
    if (!parsed.ok) return { ok: false, error: parsed.error.message, column: parsed.error.column };
    const match = compileFilter(parsed.filter);
    return ctx.latest(Number.MAX_SAFE_INTEGER).filter((ex) => ex.timings.endedAt !== null && match(exchangeTarget(ex)));
  };
  const session = (): SessionInfo => ({ id: 1, name: 'In memory', startedAt, exchanges: ctx.latest(Number.MAX_SAFE_INTEGER).length, bytes: 0, current: true, restarts: [] });
  const sorted = (rows: ExchangeSummary[], q: ExchangeQuery): ExchangeSummary[] => {
    const key: SortColumn = q.sort ?? 'startedAt';
    const dir = q.order === 'desc' ? -1 : 1;
    return rows.sort((a, b) => dir * compare(a[key], b[key]));
  };
  return {
    name: 'memory-only',
    start: (c) => {
      ctx = c;
    },
    status: () => ({ storeNote: OFF, evictionNote: null, bodiesUnindexed: 0 }),
    commands: {
      queryExchanges: (q) => {
        const found = matching(q.filter);
        if (!Array.isArray(found)) return found;
        const offset = q.offset ?? 0;
        return { ok: true, rows: sorted(found.map(summaryOf), q).slice(offset, offset + Math.min(q.limit ?? 100, 1000)) };
      },
      countExchanges: (q) => {
        const found = matching(q.filter);
        return Array.isArray(found) ? { ok: true, matched: found.length, total: session().exchanges } : found;
      },
      getExchange: ({ id }) => {
        const ex = ctx.find(id);
        return ex ? detailOf(ex) : null;
      },
      exportHar: (q) => {
        const found = matching(q.filter);
        if (!Array.isArray(found)) return found;
        const har = harText(found.map((ex) => toState(ex)), HAR_MAX_CHARS);
        return har ? { ok: true, har: har.text, count: har.count } : { ok: false, tooLarge: true, error: TOO_LARGE };
      },
      listSessions: () => [session()],
      newSession: () => {
        ctx.clear();
        return session();
      },
      renameSession: () => ({ ok: false, error: OFF }),
      deleteSession: () => ({ ok: false, error: OFF }),
      deleteExchanges: ({ ids }) => {
        const held = ids.filter((id) => ctx.find(id) !== undefined).length;
        ctx.forget(ids);
        return { ok: true, deleted: held };
      },
      filterSuggestions: () => [],
      importHar: () => ({ ok: false, invalid: false, error: `${OFF}: start it without --no-session-store to import a HAR` }),
    },
  };
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return a < b ? -1 : 1;
}
