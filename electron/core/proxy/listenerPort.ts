// Which port the proxy listener takes: a port is tried by listening on it
// (the only reliable check), and a busy saved port gives way to the next free one.
import net from 'node:net';

/** Ports after a busy one that are tried before giving up. */
const FALLBACK_TRIES = 100;

/** null when `port` can be listened on at `host`, else why not ("in use", or the OS's reason). */
export function portProblem(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE' ? 'in use' : err.code === 'EACCES' ? 'not permitted (a port under 1024 needs privileges)' : err.message));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

/**
 * `port` when it is free, else the first free one after it that is not in
 * `skip` (ports other parts of the app will listen on), with a note saying so.
 */
export async function freePortFrom(host: string, port: number, skip: readonly number[]): Promise<{ port: number; note: string | null }> {
  if ((await portProblem(host, port)) === null) return { port, note: null };
  for (let p = port + 1; p <= Math.min(65535, port + FALLBACK_TRIES); p++) {
    if (skip.includes(p)) continue;
    if ((await portProblem(host, p)) === null) return { port: p, note: `Port ${port} was busy; using ${p}` };
  }
  throw new Error(`port ${port} is already in use on ${host}, and so are the next ${FALLBACK_TRIES}: free one, or choose another port in Settings`);
}
