// A bounded load loop through the proxy: `count` requests over `concurrency`
// keep-alive connections, stopping at `deadlineMs` whatever happens.
import http from 'node:http';

export interface LoadResult {
  ok: number;
  failed: number;
  elapsedMs: number;
  rps: number;
}

export async function runLoad(proxyUrl: string, target: (i: number) => string, opts: { count: number; concurrency: number; deadlineMs: number }): Promise<LoadResult> {
  const proxy = new URL(proxyUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const started = performance.now();
  const stopAt = Date.now() + opts.deadlineMs;
  let next = 0;
  let ok = 0;
  let failed = 0;
  const one = (url: string) =>
    new Promise<boolean>((resolve) => {
      const req = http.request({ host: proxy.hostname, port: proxy.port, path: url, agent, timeout: 15_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
        res.on('error', () => resolve(false));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
  const worker = async () => {
    while (next < opts.count && Date.now() < stopAt) {
      const i = next++;
      if (await one(target(i))) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  agent.destroy();
  const elapsedMs = performance.now() - started;
  return { ok, failed, elapsedMs, rps: (ok / elapsedMs) * 1000 };
}

export interface PacedResult {
  /** Requests answered, by status (0: failed). */
  byStatus: Map<number, number>;
  started: number;
  elapsedMs: number;
  /** Answered requests per second over the run. */
  rps: number;
  /** Requests started in each 100 ms slot: how even the pace was. */
  perSlot: number[];
}

/**
 * `rate` requests a second for `seconds` through the proxy over `connections`
 * keep-alive sockets: each 100 ms slot adds its share to the budget (a slot
 * that fell behind is made up in the next), no request starts after the last
 * slot, and in-flight ones are bounded by their timeout.
 */
export async function runPaced(proxyUrl: string, target: (i: number) => string, opts: { rate: number; seconds: number; connections: number }): Promise<PacedResult> {
  const proxy = new URL(proxyUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const total = Math.round(opts.rate * opts.seconds);
  const slots = opts.seconds * 10;
  const perSlot = new Array<number>(slots).fill(0);
  const byStatus = new Map<number, number>();
  const done = (status: number) => byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  const one = (url: string) =>
    new Promise<void>((resolve) => {
      const req = http.request({ host: proxy.hostname, port: proxy.port, path: url, agent, timeout: 15_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(void done(res.statusCode ?? 0)));
        res.on('error', () => resolve(void done(0)));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(void done(0)));
      req.end();
    });
  const started = performance.now();
  let next = 0;
  // A few requests queued per socket keep each connection busy without piling up in the agent.
  const maxInFlight = opts.connections * 4;
  const inFlight = new Set<Promise<void>>();
  for (;;) {
    const slot = Math.floor((performance.now() - started) / 100);
    if (slot >= slots || next >= total) break;
    const budget = Math.min(total, Math.round(((slot + 1) * total) / slots));
    while (next < budget && inFlight.size < maxInFlight) {
      const p = one(target(next++)).then(() => void inFlight.delete(p));
      inFlight.add(p);
      perSlot[slot]!++;
    }
    if (next < budget) await Promise.race(inFlight);
    else await new Promise((r) => setTimeout(r, Math.max(1, started + (slot + 1) * 100 - performance.now())));
  }
  await Promise.all(inFlight);
  agent.destroy();
  const elapsedMs = performance.now() - started;
  const answered = [...byStatus].reduce((sum, [status, n]) => sum + (status === 0 ? 0 : n), 0);
  return { byStatus, started: next, elapsedMs, rps: (answered / elapsedMs) * 1000, perSlot };
}
