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
