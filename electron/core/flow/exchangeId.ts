// Exchange ids are UUIDv7 (RFC 9562): a millisecond timestamp first, so ids
// sort by time and the outbox's index on them grows at its end instead of at
// random pages. The random part is randomUUID()'s, which draws on a pooled
// entropy buffer; the uuid package's v7 fetches fresh random bytes per id,
// which shows in the proxy thread's profile.
import { randomUUID } from 'node:crypto';

let prefixMs = -1;
let prefix = '';

export function exchangeId(now = Date.now()): string {
  if (now !== prefixMs) {
    const ms = now.toString(16).padStart(12, '0');
    prefixMs = now;
    prefix = `${ms.slice(0, 8)}-${ms.slice(8)}-7`;
  }
  // randomUUID() is xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx: keep what follows the version digit.
  // join() copies into one flat string where `+` would keep a rope over a slice of
  // the whole UUID: three objects for each exchange the store holds.
  return [prefix, randomUUID().slice(15)].join('');
}
