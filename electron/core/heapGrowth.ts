// On 64-bit, V8 lets the old generation grow to up to 4× the live heap between
// full collections. Every exchange the 10,000-exchange ring buffer evicts (and
// every message the outbox hands off) dies there, so under sustained load the
// proxy sat at 350–430 MB of RSS for ~50 MB of live objects. Growing by half
// between full collections keeps peak RSS under 300 MB, for more frequent full
// collections (cost measured in the README's Memory section).
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
