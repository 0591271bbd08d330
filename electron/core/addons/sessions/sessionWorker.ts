// The session worker thread: owns sessions.db, commits the exchanges the proxy
// thread posts (all that arrived since the last commit in one transaction) and
// answers the store's queries. See sessionProtocol.ts for the messages.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { toState } from '../../flow/state.js';
import { detailOf } from '../../flow/views.js';
import { harText, HAR_MAX_CHARS, TOO_LARGE } from '../../har/export.js';
import type { MetaChange } from '../../flow/exchange.js';
import { openSessionDb } from './openSessionDb.js';
import { SessionDb } from './sessionDb.js';
import { exchangeOfCopy, storedCopyOf, type FromSessionWorker, type SessionQueries, type SessionWorkerInit, type StoreStatus, type StoredCopy, type ToSessionWorker } from './sessionProtocol.js';
import { countSteps } from './sessionCount.js';
import { filterProblem, matching, pageOf, replayPage, storedExchange, suggestions } from './sessionQueries.js';
import type { WorkerImports } from './workerImports.js';

if (!parentPort) throw new Error('sessionWorker.js runs as a worker thread');
const port = parentPort;
const init = workerData as SessionWorkerInit;
const post = (msg: FromSessionWorker) => port.postMessage(msg);

// As the delivery worker: on Linux a thread's nice value is its own, so storage runs on time the proxy does not need.
if (process.platform === 'linux') {
  try {
    os.setPriority(10);
  } catch {
    /* not permitted: normal priority */
  }
}

const startLog: string[] = [];
let problem: string | null = null;
let evicted: StoreStatus['evicted'] = null;
/** False when the file could not be opened: the in-memory store keeps its own (memory) bounds. */
let onDisk = true;

/** A file we cannot open must not stop capture: keep a bounded store in memory and say so. */
function open(): SessionDb {
  try {
    const { db, movedAside, reason } = openSessionDb(init.path, init.retention, { newSession: init.newSession });
    if (movedAside) {
      problem = `the session store ${reason}: moved aside to ${movedAside}; a new one was started`;
      startLog.push(problem);
    }
    return db;
  } catch (err) {
    problem = `session store not durable: cannot open ${init.path} (${(err as Error).message}); exchanges are kept in memory only`;
    startLog.push(problem);
    onDisk = false;
    return new SessionDb(null, init.memoryRetention, { newSession: true });
  }
}

const store = open();
const status = (): StoreStatus => ({ problem, evicted, unindexed: store.unindexed() });
const boundOf = (r: SessionWorkerInit['retention']) => `${r.maxExchanges} exchanges or ${r.maxBytes} bytes`;
let bound = boundOf(init.retention);

const exchangeOf = exchangeOfCopy;

let pending: Array<{ first: number; exchanges: StoredCopy[]; meta: MetaChange[] }> = [];
let commitScheduled = false;
const durableProblem: string | null = problem;
/** The problem last logged: a failing disk is logged when it starts failing and when it recovers, not per batch. */
let lastLogged: string | null = problem;

/** Exchanges per transaction at most: a backlog is committed in steps, so the WAL and SQLite's memory stay bounded. */
const COMMIT_MAX_EXCHANGES = 2000;

function commit(): void {
  commitScheduled = false;
  if (closed || pending.length === 0) return;
  let n = 0;
  let take = 0;
  while (take < pending.length && (take === 0 || n + pending[take]!.exchanges.length <= COMMIT_MAX_EXCHANGES)) n += pending[take++]!.exchanges.length;
  const groups = pending.splice(0, take);
  if (pending.length > 0) {
    commitScheduled = true;
    setImmediate(commit);
  }
  let error: string | null = null;
  try {
    store.write(
      groups.flatMap((g) => g.exchanges.map(exchangeOf)),
      groups.flatMap((g) => g.meta),
    );
    problem = durableProblem;
  } catch (err) {
    error = (err as Error).message;
    problem = `session store cannot write (${error}): new exchanges are kept in memory only`;
  }
  if (noteEvictions()) post({ type: 'sessions', sessions: store.sessions() });
  if (problem !== lastLogged) {
    post({ type: 'log', line: problem ?? 'session store: writing again' });
    lastLogged = problem;
  }
  for (const g of groups) post({ type: 'written', first: g.first, count: g.exchanges.length, error, status: status() });
  indexWhileIdle();
}

/** Adds what retention evicted to the status; true when it evicted. */
function noteEvictions(): boolean {
  const gone = store.takeEvicted();
  if (gone.exchanges === 0) return false;
  evicted = { exchanges: (evicted?.exchanges ?? 0) + gone.exchanges, bytes: (evicted?.bytes ?? 0) + gone.bytes, bound };
  return true;
}

function* mapIterable<A, B>(items: Iterable<A>, f: (a: A) => B): Generator<B> {
  for (const a of items) yield f(a);
}

/**
 * Between commits, background steps: the planner's statistics one index a step when they are due (the store doubled
 * since they were taken; they go first, since without them a plan can be a hundred times slower), else a few hundred
 * bodies for body search's index. Indexing a body costs more than writing it, so while exchanges keep arriving steps take at most a tenth of
 * the time (the rest of the machine is the proxy's); once none came for a second it runs flat out. Body
 * filters read the rows past the index directly, so a lagging index slows them, never changes them.
 */
const INDEX_STEP = 200;
const INDEX_SHARE_UNDER_LOAD = 0.1;
const QUIET_MS = 1000;
let lastWriteAt = 0;
let statusPostedAt = 0;
/** Under load, when the next step may start. */
let nextStepAt = 0;
let indexing = false;
function indexWhileIdle(): void {
  if (indexing) return;
  indexing = true;
  const now = Date.now();
  setTimeout(indexStep, now - lastWriteAt >= QUIET_MS ? 0 : Math.max(0, nextStepAt - now));
}
function indexStep(): void {
  indexing = false;
  // A commit waiting goes first, and calls indexWhileIdle again when done.
  if (pending.length > 0 || closed) return;
  let n = 0;
  let analyzing = false;
  const started = Date.now();
  try {
    analyzing = store.analyzeStepIfGrown();
    if (!analyzing) n = store.indexBodies(INDEX_STEP);
  } catch (err) {
    post({ type: 'log', line: `session store: background indexing failed (${(err as Error).message}); body search reads the bodies instead` });
  }
  const took = Date.now() - started;
  nextStepAt = Date.now() + (took * (1 - INDEX_SHARE_UNDER_LOAD)) / INDEX_SHARE_UNDER_LOAD;
  if (n > 0 || analyzing) indexWhileIdle();
  // Between writes the status goes out when indexing is done, and once a second while it runs.
  if (n > 0 && (n < INDEX_STEP || Date.now() - statusPostedAt >= 1000)) {
    statusPostedAt = Date.now();
    post({ type: 'status', status: status() });
  }
}
let closed = false;

/** A long query answers in steps (a generator): other messages are handled between them. */
type Steps<R> = Generator<void, R, undefined>;
type Handlers = { [K in keyof SessionQueries]: (args: SessionQueries[K]['args']) => SessionQueries[K]['result'] | Steps<SessionQueries[K]['result']> | Promise<SessionQueries[K]['result']> };

const changed = <T>(value: T): T => {
  post({ type: 'sessions', sessions: store.sessions() });
  return value;
};

// HAR import's streaming parser and schemas load with the first import step: most runs never import,
// and they were half of this worker's start.
let imports: WorkerImports | null = null;
async function importStep(q: SessionQueries['import']['args']): Promise<SessionQueries['import']['result']> {
  if (!imports) {
    const { WorkerImports } = await import('./workerImports.js');
    imports ??= new WorkerImports(store, () => {
      // A finished import is a new session, counted for retention from now on.
      if (noteEvictions()) post({ type: 'status', status: status() });
      post({ type: 'sessions', sessions: store.sessions() });
    });
  }
  if (closed) return { ok: false, invalid: false, error: 'the session store stopped' };
  return imports.step(q);
}

const queries: Handlers = {
  page: (q) => pageOf(store, q),
  count: (q) => countSteps(store, q, init.countSteps),
  detail: ({ id }) => {
    const ex = storedExchange(store, id);
    return ex ? detailOf(ex) : null;
  },
  har: (q) => {
    const bad = filterProblem(q.filter);
    if (bad) return bad;
    const har = harText(mapIterable(matching(store, q), (ex) => toState(ex)), HAR_MAX_CHARS);
    return har ? { ok: true, har: har.text, count: har.count } : { ok: false, tooLarge: true, error: TOO_LARGE };
  },
  sessions: () => store.sessions(),
  deleteExchanges: ({ ids }) => changed({ deleted: store.deleteExchanges(ids) }),
  collect: ({ bucket, exchanges }) => {
    const session = store.bucketSession(bucket);
    const added = store.write(exchanges.map(exchangeOf), [], session);
    return changed({ added, session });
  },
  newSession: ({ name }) => {
    const id = store.startSession(name ?? null);
    return changed(store.sessions().find((s) => s.id === id)!);
  },
  rename: ({ id, name }) => changed(store.rename(id, name)),
  delete: ({ id }) => changed(store.delete(id)),
  clear: () => changed((store.clear(), null)),
  suggest: ({ field, prefix }) => suggestions(store, field, prefix),
  import: (q) => importStep(q),
  replay: (q) => {
    const page = replayPage(store, q);
    return page.ok ? { ...page, exchanges: page.exchanges.map(storedCopyOf) } : page;
  },
  retention: (r) => {
    if (!onDisk) return null;
    bound = boundOf(r);
    store.setRetention(r);
    if (noteEvictions()) {
      post({ type: 'status', status: status() });
      post({ type: 'sessions', sessions: store.sessions() });
    }
    return null;
  },
};

function answer(msg: Extract<ToSessionWorker, { type: 'query' }>): void {
  // Writes that arrived before the query are committed first: a query sees every exchange already reported.
  while (pending.length > 0) commit();
  try {
    const value = (queries[msg.name] as (a: unknown) => unknown)(msg.args);
    if (value instanceof Promise) value.then((v: unknown) => post({ type: 'answer', id: msg.id, value: v }), (err: Error) => post({ type: 'answer', id: msg.id, error: err.message }));
    else if (isSteps(value)) step(msg.id, value);
    else post({ type: 'answer', id: msg.id, value });
  } catch (err) {
    post({ type: 'answer', id: msg.id, error: (err as Error).message });
  }
}

const isSteps = (v: unknown): v is Steps<unknown> => typeof (v as { next?: unknown } | null)?.next === 'function';

/** One step now, the next after the messages that arrived meanwhile (commits and other queries). */
function step(id: number, steps: Steps<unknown>): void {
  if (closed) return;
  try {
    const r = steps.next();
    if (r.done) post({ type: 'answer', id, value: r.value });
    else setImmediate(() => step(id, steps));
  } catch (err) {
    post({ type: 'answer', id, error: (err as Error).message });
  }
}

port.on('message', (msg: ToSessionWorker) => {
  switch (msg.type) {
    case 'write':
      lastWriteAt = Date.now();
      pending.push(msg);
      if (!commitScheduled) {
        commitScheduled = true;
        setImmediate(commit);
      }
      break;
    case 'query':
      answer(msg);
      break;
    case 'stop':
      while (pending.length > 0) commit();
      imports?.stopAll();
      closed = true;
      store.close();
      post({ type: 'stopped' });
      port.close();
      break;
  }
});

post({ type: 'ready', status: status(), log: startLog });
indexWhileIdle();
