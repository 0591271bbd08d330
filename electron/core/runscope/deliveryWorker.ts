// The delivery worker thread: owns the outbox and the client to the collector,
// commits the exchange copies the proxy thread posts, and drains the outbox,
// building each message as it sends it (storedMessage.ts). See
// deliveryProtocol.ts for the messages.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { DeliverySummary } from '../api.js';
import type { RunscopeSettings } from '../settings/schema.js';
import { RunscopeClient } from './client.js';
import type { DeliveryStatus, ForwardCopy, FromWorker, ToWorker, WorkerInit } from './deliveryProtocol.js';
import { Forwarder } from './forwarder.js';
import { Outbox } from './outbox.js';
import { OutboxSchemaError } from './outboxSchema.js';
import { messageTextOf, storedFormOf } from './storedMessage.js';

if (!parentPort) throw new Error('deliveryWorker.js runs as a worker thread');
const port = parentPort;
const init = workerData as WorkerInit;
const post = (msg: FromWorker) => port.postMessage(msg);
const log = (line: string) => post({ type: 'log', line });

// On Linux a nice value is per thread: delivery then runs on time the proxy
// thread does not need. (Elsewhere it would lower the whole process, so not there.)
if (process.platform === 'linux') {
  try {
    os.setPriority(10);
  } catch {
    /* not permitted: run at normal priority */
  }
}

/**
 * A data dir we cannot write must not stop the proxy: fall back to memory and
 * say so. A file of another outbox version is treated the same way: it is left
 * as it is (it may hold messages not yet sent), and the user moves it aside or
 * deletes it to have a durable outbox again.
 */
function openOutbox(): Outbox {
  const bound = { maxMessages: init.limits.outboxMaxMessages, maxBytes: init.limits.outboxMaxBytes };
  try {
    return new Outbox(init.outboxPath, bound);
  } catch (err) {
    const outbox = new Outbox(null, bound);
    const { message } = err as Error;
    const why = err instanceof OutboxSchemaError ? `${message}; it is left as it is: move it aside or delete it` : message;
    outbox.durabilityProblem = `outbox not durable: cannot open ${init.outboxPath} (${why}); messages are kept in memory only`;
    log(outbox.durabilityProblem);
    return outbox;
  }
}

let settings: RunscopeSettings = init.settings;
let busy = false;
const outbox = openOutbox();
const client = new RunscopeClient();
type Batch = Extract<FromWorker, { type: 'batch' }>;
const acks: Pick<Batch, 'queued' | 'full' | 'failed'> = { queued: [], full: [], failed: [] };
const deliveries: DeliverySummary[] = [];
let postScheduled = false;

const forwarder = new Forwarder({
  outbox,
  render: messageTextOf,
  client,
  settings: () => settings,
  busy: () => busy,
  log,
  catchUpDepth: Math.max(1, Math.floor(init.limits.outboxMaxMessages / 4)),
  onDelivery: (d) => {
    deliveries.push(d);
    schedulePost();
  },
  onStatusChange: () => schedulePost(),
});

function status(): DeliveryStatus {
  return {
    depth: outbox.depth,
    lastError: forwarder.lastError,
    pausedReason: forwarder.pausedReason,
    lastWriteError: outbox.lastWriteError,
    durabilityProblem: outbox.durabilityProblem,
  };
}

function postBatch(): void {
  postScheduled = false;
  post({ type: 'batch', queued: acks.queued.splice(0), full: acks.full.splice(0), failed: acks.failed.splice(0), deliveries: deliveries.splice(0), status: status() });
}

function schedulePost(): void {
  if (postScheduled) return;
  postScheduled = true;
  setImmediate(postBatch);
}

/** Acknowledges exchange `n`, extending the last range when it follows it. */
function ackQueued(n: number): void {
  const q = acks.queued;
  if (q.length > 0 && q[q.length - 1] === n) q[q.length - 1] = n + 1;
  else q.push(n, n + 1);
}

/** Exchange k of `copies` is number `first + k`. */
function enqueue(copies: ForwardCopy[], first: number): void {
  outbox.enqueueMany(copies.map((c) => [c.exchange.id, storedFormOf(c), c.bucket ?? null] as const)).then(
    (results) => {
      results.forEach((result, k) => (result === 'queued' ? ackQueued(first + k) : acks.full.push(first + k)));
      schedulePost();
      forwarder.kick();
    },
    (err: Error) => {
      for (let k = 0; k < copies.length; k++) acks.failed.push([first + k, err.message]);
      schedulePost();
    },
  );
}

async function answer(msg: Extract<ToWorker, { type: 'query' }>): Promise<void> {
  try {
    let value: unknown;
    if (msg.name === 'get') {
      const record = outbox.get((msg.args as { exchangeId: string }).exchangeId);
      value = record && { ...record, message: messageTextOf(record.message) };
    }
    else if (msg.name === 'list') {
      const { limit, state } = msg.args as { limit: number; state?: never };
      value = outbox.list(limit, state);
    } else {
      value = await outbox.requeue((msg.args as { exchangeId: string }).exchangeId);
      if (value) forwarder.kick();
    }
    post({ type: 'answer', id: msg.id, value });
  } catch (err) {
    post({ type: 'answer', id: msg.id, error: (err as Error).message });
  }
}

async function stop(): Promise<void> {
  await forwarder.stop();
  await client.close();
  outbox.close(); // commits what is pending; its acks resolve in the next microtasks
  await new Promise((r) => setImmediate(r));
  postBatch();
  post({ type: 'stopped' });
  port.close();
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'enqueue':
      enqueue(msg.exchanges, msg.first);
      break;
    case 'settings':
      settings = msg.settings;
      forwarder.settingsChanged();
      break;
    case 'busy':
      busy = msg.busy;
      if (!busy) forwarder.kick();
      break;
    case 'query':
      void answer(msg);
      break;
    case 'stop':
      void stop();
      break;
  }
});

forwarder.kick();
post({ type: 'ready', status: status() });
