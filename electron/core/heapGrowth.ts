// On 64-bit, V8 lets the old generation grow to up to 4× the live heap between
// full collections. Every exchange the store evicts (and every message handed
// to the delivery worker) dies there, so under sustained load RSS would sit at
// several times the live objects. Growing by half between full collections
// keeps it near what is live, for more frequent full collections (measured in
// docs/performance.md).
// heap_growing_percent is read at every collection, so setting it at run time
// takes effect in this isolate and in the delivery worker: Node and Electron
// both start V8 with --no-freeze-flags-after-init for v8.setFlagsFromString.
import v8 from 'node:v8';

const HEAP_GROWING_PERCENT = 50;

/** Applies our heap growth unless the process was started with its own. */
export function limitHeapGrowth(): boolean {
  if (process.execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
