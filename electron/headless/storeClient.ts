// The session store as `query`, `export-har` and `import-har` see it: answered
// by the Proxyscope running on the data dir (its control endpoint) when there is
// one, else read from (or, for import-har, written to) sessions.db directly. Both
// sides give the same answers: the instance runs the same sessionQueries and
// HarImporter on the same file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import type { CommandArg, CommandName, CommandResult, ExchangeDetail, ExchangeQuery, FilterProblem, QueryCount, QueryPage, ResendEdits, ResendResult, SessionInfo } from '../core/api.js';
import { countOf } from '../core/addons/sessions/sessionCount.js';
import { filterProblem, matching, pageOf, storedExchange } from '../core/addons/sessions/sessionQueries.js';
import { SessionDb } from '../core/addons/sessions/sessionDb.js';
import { CONTROL_FILE, type ControlInfo } from '../core/control/controlEndpoint.js';
import { dataDirOwner, lockDataDir } from '../core/files/dataDirLock.js';
import { toState, type ExchangeState } from '../core/flow/state.js';
import { detailOf } from '../core/flow/views.js';
import { UsageError } from './cliOptions.js';
import { stateOfDetail, writeHarFile, writePrivateFile } from './harFile.js';
import { importIntoFile, importThroughInstance, type Imported, type OnProgress } from './harImportClient.js';

type Scope = Pick<ExchangeQuery, 'session' | 'filter'>;
export type HarWritten = { ok: true; count: number } | FilterProblem;
/** queryExchanges answers at most this many rows at a time. */
export const PAGE = 1000;

export interface StoreClient {
  /** Who answers: the running instance (its pid), the file, or nobody (no sessions.db yet: everything is empty). */
  readonly source: { kind: 'instance'; pid: number } | { kind: 'file' } | { kind: 'none' };
  page(q: ExchangeQuery): Promise<QueryPage>;
  count(q: Scope): Promise<QueryCount>;
  /** Writes the HAR 1.2 of what the filter selects to `path` (0600). */
  exportHar(q: Scope, path: string): Promise<HarWritten>;
  /** Reads the HAR file at `path` into a new session named `name`. */
  importHar(path: string, name: string, progress: OnProgress): Promise<Imported>;
  /** One stored exchange, bodies included; null when there is none of that id. */
  detail(id: string): Promise<ExchangeDetail | null>;
  sessions(): Promise<SessionInfo[]>;
  /** Sends a stored exchange again through the running instance's proxy (none running: a StoreError). */
  resend(id: string, edits?: ResendEdits): Promise<ResendResult>;
  /** Starts a browser through the running instance's proxy (none running: a StoreError). */
  openBrowser(url?: string): Promise<CommandResult<'openBrowser'>>;
  close(): void;
}

/** The store cannot be reached or read (exit 1). */
export class StoreError extends Error {}
/** The instance went away mid-command (it was stopping): the store is then asked again. */
class InstanceGone extends StoreError {}

/** No retention from the CLI: it must not evict by a bound it does not know (the instance's flags set it; it applies it at its next write). */
const NO_RETENTION = { maxExchanges: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER };
const POLL_MS = 50;

function readControl(dataDir: string): ControlInfo | null {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, CONTROL_FILE), 'utf8')) as ControlInfo;
    // The token goes only to a loopback endpoint, whatever the file says.
    const loopback = typeof info.url === 'string' && /^http:\/\/127\.0\.0\.1:\d+$/.test(info.url);
    return loopback && typeof info.token === 'string' && typeof info.pid === 'number' ? info : null;
  } catch {
    return null;
  }
}

export type Caller = <K extends CommandName>(name: K, arg: CommandArg<K>) => Promise<CommandResult<K>>;

/** The instance running on the data dir, to ask its control endpoint; null when none runs (or it is not ready). */
export function runningInstance(dataDir: string): { pid: number; call: Caller } | null {
  const owner = dataDirOwner(dataDir);
  const info = owner === null ? null : readControl(dataDir);
  return info?.pid === owner && info ? { pid: info.pid, call: callerFor(info) } : null;
}

function callerFor(info: ControlInfo): Caller {
  return async (name, arg) => {
    let res: Response;
    try {
      res = await fetch(`${info.url}/command`, {
        method: 'POST',
        headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, arg }),
      });
    } catch (err) {
      const cause = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new InstanceGone(`the Proxyscope running on this data dir (pid ${info.pid}) does not answer at ${info.url}: ${cause}`);
    }
    const body = (await res.json().catch(() => null)) as { ok: boolean; value?: unknown; error?: string } | null;
    if (body === null) throw new InstanceGone(`the Proxyscope running on this data dir (pid ${info.pid}) cut its answer to ${name} short (HTTP ${res.status})`);
    if (!res.ok || !body.ok) throw new StoreError(`the Proxyscope running on this data dir (pid ${info.pid}) refused ${name}: ${body.error ?? `HTTP ${res.status}`}`);
    return body.value as never;
  };
}

function instanceClient(info: ControlInfo): StoreClient {
  const call = callerFor(info);
  async function* states(q: Scope): AsyncGenerator<ExchangeState> {
    for (let offset = 0; ; offset += PAGE) {
      const page = await call('queryExchanges', { ...q, sort: 'startedAt', order: 'asc', offset, limit: PAGE });
      if (!page.ok) throw new UsageError(page.error);
      for (const row of page.rows) {
        const detail = await call('getExchange', { id: row.id });
        if (detail) yield stateOfDetail(detail); // null: evicted meanwhile
      }
      if (page.rows.length < PAGE) return;
    }
  }
  return {
    source: { kind: 'instance', pid: info.pid },
    page: (q) => call('queryExchanges', q),
    count: (q) => call('countExchanges', q),
    exportHar: async (q, path) => {
      const har = await call('exportHar', q);
      if (har.ok) {
        await writePrivateFile(path, [har.har]);
        return { ok: true, count: har.count };
      }
      if (!('tooLarge' in har)) return har;
      // More than one answer carries: asked for one exchange at a time.
      return { ok: true, count: await writeHarFile(path, states(q)) };
    },
    importHar: (path, name, progress) =>
      importThroughInstance(
        async (q, last) => {
          try {
            return await call('importHar', q);
          } catch (err) {
            // Gone after the last step was sent: whether it finished the import cannot be known, so it is not tried again.
            if (last && err instanceof InstanceGone) throw new StoreError(`${err.message}; it may or may not have finished the import: see \`proxyscope query --session all\``);
            throw err;
          }
        },
        path,
        name,
        progress,
      ),
    detail: (id) => call('getExchange', { id }),
    sessions: () => call('listSessions', undefined),
    resend: (id, edits) => call('resendExchange', { id, ...(edits ? { request: edits } : {}) }),
    openBrowser: (url) => call('openBrowser', url ? { url } : {}),
    close: () => undefined,
  };
}

function fileClient(store: SessionDb, source: StoreClient['source'], release: () => void): StoreClient {
  return {
    source,
    page: async (q) => pageOf(store, q),
    count: async (q) => countOf(store, q),
    exportHar: async (q, path) => {
      const problem = filterProblem(q.filter);
      if (problem) return problem;
      const states = (function* () {
        for (const ex of matching(store, q)) yield toState(ex);
      })();
      return { ok: true, count: await writeHarFile(path, states) };
    },
    importHar: (path, name, progress) => importIntoFile(store, path, name, progress),
    detail: async (id) => {
      const ex = storedExchange(store, id);
      return ex ? detailOf(ex) : null;
    },
    sessions: async () => store.sessions(),
    resend: async () => {
      throw new StoreError('no Proxyscope runs on this data dir: start one to send an exchange again (it goes through its proxy)');
    },
    openBrowser: async () => {
      throw new StoreError('no Proxyscope runs on this data dir: start one first (`npm start`); the browser goes through its proxy');
    },
    close: () => {
      store.close();
      release();
    },
  };
}

/** Opens sessions.db as a reader, holding the data dir lock meanwhile so no instance starts mid-read. Null: someone holds the lock. */
function openFile(dataDir: string): StoreClient | null {
  const path = join(dataDir, 'sessions.db');
  let unlock: () => void;
  try {
    // Nobody lives to own SQLite's lock directory: one left behind is stale.
    unlock = lockDataDir(dataDir, [`${path}.lock`]);
  } catch (err) {
    if (dataDirOwner(dataDir) !== null) return null;
    throw new StoreError(`--data-dir ${dataDir}: ${(err as Error).message}`);
  }
  try {
    return fileClient(new SessionDb(path, NO_RETENTION, { reader: true }), { kind: 'file' }, unlock);
  } catch (err) {
    unlock();
    throw new StoreError(`${path} cannot be read: ${(err as Error).message}`);
  }
}

/**
 * Whoever answers for the data dir now. A holder that does not answer (an
 * instance starting or stopping, another reader) is waited for, up to `deadline`.
 */
async function connect(dataDir: string, deadline: number, create: boolean): Promise<StoreClient> {
  for (;;) {
    const owner = dataDirOwner(dataDir);
    if (owner !== null) {
      const info = readControl(dataDir);
      if (info?.pid === owner) return instanceClient(info);
    } else if (!create && !existsSync(join(dataDir, 'sessions.db'))) {
      // Nothing stored yet: answer from an empty store rather than create the file.
      return fileClient(new SessionDb(null, NO_RETENTION, { reader: true }), { kind: 'none' }, () => undefined);
    } else {
      const client = openFile(dataDir);
      if (client) return client;
    }
    if (Date.now() >= deadline) {
      throw new StoreError(`--data-dir ${dataDir} is held by pid ${owner ?? dataDirOwner(dataDir)}, which does not answer queries (a Proxyscope starting or stopping, or another reader)`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * The client for a data dir. When the instance stops between two calls (a
 * query pages), the call goes to whoever answers next: the file, once the
 * instance let go of it. The commands only read, so asking again is safe; an
 * import is all or nothing and an instance that stops gives up the ones under
 * way, so it is asked again from the start. `create`: a data dir without
 * sessions.db gets one (import-har), rather than answering as empty.
 */
export async function openStore(dataDir: string, { waitMs = 5000, create = false }: { waitMs?: number; create?: boolean } = {}): Promise<StoreClient> {
  let current = await connect(dataDir, Date.now() + waitMs, create);
  const again = async <T>(call: (c: StoreClient) => Promise<T>): Promise<T> => {
    try {
      return await call(current);
    } catch (err) {
      if (!(err instanceof InstanceGone)) throw err;
      current.close();
      current = await connect(dataDir, Date.now() + waitMs, create);
      return call(current);
    }
  };
  return {
    get source() {
      return current.source;
    },
    page: (q) => again((c) => c.page(q)),
    count: (q) => again((c) => c.count(q)),
    exportHar: (q, path) => again((c) => c.exportHar(q, path)),
    importHar: (path, name, progress) => again((c) => c.importHar(path, name, progress)),
    detail: (id) => again((c) => c.detail(id)),
    sessions: () => again((c) => c.sessions()),
    // Not asked again if the instance goes away mid-call: the request may have been sent.
    resend: (id, edits) => current.resend(id, edits),
    openBrowser: (url) => current.openBrowser(url),
    close: () => current.close(),
  };
}

function describe(source: StoreClient['source']): string {
  if (source.kind === 'instance') return `the running instance (pid ${source.pid})`;
  return source.kind === 'file' ? 'sessions.db (no instance running)' : 'nobody (no sessions.db yet)';
}

/** Runs `use` with the data dir's client, closed (and the data dir released) after; PROXYSCOPE_DEBUG=1 says who answered. */
export async function withStore<T>(dataDir: string, use: (client: StoreClient) => Promise<T>, opts: { create?: boolean } = {}): Promise<T> {
  const client = await openStore(dataDir, opts);
  try {
    return await use(client);
  } finally {
    if (process.env.PROXYSCOPE_DEBUG) process.stderr.write(`proxyscope: answered by ${describe(client.source)}\n`);
    client.close();
  }
}

/** Prints why a store command failed; its exit code: 2 for usage (a flag, the filter), else 1. */
export function failure(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode; // --help
  process.stderr.write(`proxyscope: ${(err as Error).message}\n`);
  return err instanceof UsageError ? 2 : 1;
}
