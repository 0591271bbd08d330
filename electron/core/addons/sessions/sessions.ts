// The sessions addon: every ended exchange goes to the session store
// (sessions.db, written by the session worker) and is reported only once it is
// committed there; when the store falls far behind, new requests wait for it
// (sessionChannel.ts). It answers the commands that read the store: pages, counts,
// details, HAR export, the sessions list. If the store cannot be written the
// exchange is reported anyway (capture never waits on a broken disk) and the
// status says so.
import type { Status } from '../../api.js';
import type { Exchange } from '../../flow/exchange.js';
import { detailOf, withMemoryMeta } from '../../flow/views.js';
import type { Addon, AddonContext } from '../../pipeline/addon.js';
import { LiveFilters } from './liveFilters.js';
import { SessionChannel } from './sessionChannel.js';
import type { ReplayPage, ReplayPageQuery } from '../../pipeline/replaySource.js';
import { exchangeOfCopy, storedCopyOf } from './sessionProtocol.js';
import type { Retention } from './sessionDb.js';

export interface SessionsOptions {
  path: string;
  retention: Retention;
  /** Bound of the store kept in memory when the file cannot be opened. */
  memoryRetention: Retention;
  newSession: boolean;
}

export interface SessionsAddon extends Addon {
  /** Stores what a collector received in `bucket`'s session; resolves once it is committed (durable). */
  collect(bucket: string, exchanges: readonly Exchange[]): Promise<{ added: string[]; session: number }>;
  /** A page of stored exchanges for a replay into a bucket (sessionQueries.ts replayPage). */
  replayPage(q: ReplayPageQuery): Promise<ReplayPage>;
  /** New retention bounds, applied at once (the oldest over them go). */
  setRetention(retention: Retention): Promise<void>;
}

export function sessionsAddon(opts: SessionsOptions): SessionsAddon {
  let ctx: AddonContext;
  let channel: SessionChannel;
  const live = new LiveFilters();

  return {
    name: 'sessions',
    async start(c) {
      ctx = c;
      channel = await SessionChannel.start(
        { path: opts.path, retention: opts.retention, memoryRetention: opts.memoryRetention, newSession: opts.newSession },
        { log: c.log, onStatusChange: () => c.events.statusChanged(), onSessions: (s) => c.events.sessions(s) },
      );
    },
    intercept() {
      const backlog = channel.backlog();
      return backlog ? { hold: backlog.then(() => undefined) } : undefined;
    },
    done(ex, wait) {
      const release = wait();
      channel.write(ex, release);
    },
    recorded(ex) {
      if (!ctx.events.listening) return;
      for (const [text, matches] of live.verdicts(ex)) ctx.events.matched(text, matches ? ex.id : null);
    },
    metaChanged: (change) => channel.metaChanged(change),
    cleared: () => void channel.query('clear', undefined).catch((err: Error) => ctx.log(`clearing the session store failed: ${err.message}`)),
    status(): Partial<Status> {
      const { problem, evicted } = channel.status;
      return {
        storeNote:
          channel.failure ??
          problem ??
          (channel.skipped > 0
            ? `the session store fell behind the traffic: ${channel.skipped} exchanges were shown but not stored`
            : channel.holds > 0
              ? `traffic came faster than the session store could write it: new requests waited for it ${channel.holds} times (every exchange is stored)`
              : null),
        bodiesUnindexed: channel.status.unindexed,
        evictionNote: evicted && `retention removed the ${evicted.exchanges} oldest exchanges to stay within ${evicted.bound}`,
      };
    },
    commands: {
      queryExchanges: async (q) => {
        live.remember(q.filter);
        const page = await channel.query('page', q);
        return page.ok ? { ...page, rows: page.rows.map((row) => withMemoryMeta(row, ctx.find(row.id))) } : page;
      },
      countExchanges: (q) => channel.query('count', q),
      getExchange: ({ id }) => {
        const ex = ctx.find(id);
        return ex ? detailOf(ex) : channel.query('detail', { id });
      },
      exportHar: (q) => channel.query('har', q),
      listSessions: () => channel.query('sessions', undefined),
      newSession: (q) => channel.query('newSession', q),
      renameSession: (q) => channel.query('rename', q),
      deleteSession: (q) => channel.query('delete', q),
      deleteExchanges: async ({ ids }) => {
        ctx.forget(ids);
        return { ok: true as const, ...(await channel.query('deleteExchanges', { ids })) };
      },
      // The worker parses and writes; the proxy thread only decodes the chunk (a structured clone copies bytes in one go).
      importHar: ({ chunk, ...step }) => channel.query('import', { ...step, ...(chunk ? { bytes: Buffer.from(chunk, 'base64') } : {}) }),
      filterSuggestions: (q) => channel.query('suggest', q),
    },
    collect: (bucket, exchanges) => channel.query('collect', { bucket, exchanges: exchanges.map(storedCopyOf) }),
    replayPage: async (q) => {
      const page = await channel.query('replay', q);
      return page.ok ? { ...page, exchanges: page.exchanges.map(exchangeOfCopy) } : page;
    },
    setRetention: async (retention) => {
      await channel.query('retention', retention);
    },
    stop: () => channel.stop(),
  };
}
