// What a live process uses, read from /proc: memory, CPU time, and run and
// run-queue time per thread.
import { readdirSync, readFileSync } from 'node:fs';

/** Resident set now and at its peak (VmRSS, VmHWM), in MB (10^6 bytes); null when the process is gone. */
export function memoryOf(pid: number | null): { rss: number; peak: number } | null {
  if (pid === null) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: (kb('VmRSS') * 1024) / 1e6, peak: (kb('VmHWM') * 1024) / 1e6 };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSecondsIn(statPath: string): number {
  try {
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

export function cpuSecondsOf(pid: number | null): number {
  return pid === null ? NaN : cpuSecondsIn(`/proc/${pid}/stat`);
}

export interface ThreadTimes {
  /** Seconds on a CPU. */
  run: number;
  /** Seconds runnable but waiting for a CPU. */
  wait: number;
}

/**
 * Run and run-queue wait per thread name (the main thread, the delivery worker,
 * libuv's pool, V8's helpers) of a live process, from /proc/…/schedstat.
 */
export function threadTimesOf(pid: number | null): Map<string, ThreadTimes> {
  const byName = new Map<string, ThreadTimes>();
  if (pid === null) return byName;
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const [run = 0, wait = 0] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      let name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      if (tid === String(pid)) name = `main (${name})`;
      else if (process.env.BENCH_PER_THREAD === '1') name = `${name}#${tid}`;
      const t = byName.get(name) ?? { run: 0, wait: 0 };
      byName.set(name, { run: t.run + run / 1e9, wait: t.wait + wait / 1e9 });
    } catch {
      /* the thread ended */
    }
  }
  return byName;
}

/** What each thread name used between two threadTimesOf() snapshots. */
export function threadTimesBetween(before: Map<string, ThreadTimes>, after: Map<string, ThreadTimes>): string {
  return [...after]
    .map(([name, t]) => ({ name, run: t.run - (before.get(name)?.run ?? 0), wait: t.wait - (before.get(name)?.wait ?? 0) }))
    .filter((t) => t.run > 0.005)
    .map((t) => `${t.name} ${t.run.toFixed(2)} s (waited ${t.wait.toFixed(2)} s)`)
    .join(', ');
}
