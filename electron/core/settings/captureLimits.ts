// Limits on what the core keeps in memory and on disk. Validated like the Runscope options.
import { z } from 'zod';

export interface CaptureLimits {
  /** Bytes kept per request or response body; the rest streams through uncaptured. */
  maxBodyBytes: number;
  /** Exchanges kept in memory, a cache of the newest (all are kept on disk, in the session store). */
  storeMaxExchanges: number;
  /** Captured body bytes kept in memory across the cached exchanges. */
  storeMaxBytes: number;
  /** Session store retention (all sessions of the data dir): exchanges, then the oldest go. */
  storedMaxExchanges: number;
  /** Session store retention: bytes the stored exchanges take. */
  storedMaxBytes: number;
  /** Outbox bound: messages. */
  outboxMaxMessages: number;
  /** Outbox bound: bytes of what it stores (the exchange copies as JSON, storedMessage.ts). */
  outboxMaxBytes: number;
  /** Upstream response-header deadline, ms; the client gets a 504 past it. */
  upstreamTimeout: number;
  /** A client must send each request's headers within this many ms (slowloris guard). */
  clientHeadersTimeout: number;
  /** Hosts (host or host:port) whose upstream TLS certificate is not verified: an explicit opt-in. */
  insecureUpstreamHosts: string[];
  /** A paused exchange (breakpoint rule) goes on by itself, unedited, after this many ms. */
  breakpointTimeout: number;
}

export const CAPTURE_DEFAULTS: CaptureLimits = {
  maxBodyBytes: 1024 * 1024,
  storeMaxExchanges: 1_000,
  storeMaxBytes: 64 * 1024 * 1024,
  storedMaxExchanges: 1_000_000,
  storedMaxBytes: 4 * 1024 * 1024 * 1024,
  outboxMaxMessages: 100_000,
  outboxMaxBytes: 1024 * 1024 * 1024,
  upstreamTimeout: 60_000,
  clientHeadersTimeout: 30_000,
  insecureUpstreamHosts: [],
  breakpointTimeout: 5 * 60_000,
};

const positive = (name: string) =>
  z.number({ error: `${name} must be a positive integer` }).int({ error: `${name} must be a positive integer` }).positive({ error: `${name} must be a positive integer` });

export const captureLimitsSchema = z
  .object({
    maxBodyBytes: z.number({ error: 'maxBodyBytes must be a non-negative integer' }).int().min(0, { error: 'maxBodyBytes must be a non-negative integer' }),
    storeMaxExchanges: positive('storeMaxExchanges'),
    storeMaxBytes: positive('storeMaxBytes'),
    storedMaxExchanges: positive('storedMaxExchanges'),
    storedMaxBytes: positive('storedMaxBytes'),
    outboxMaxMessages: positive('outboxMaxMessages'),
    outboxMaxBytes: positive('outboxMaxBytes'),
    upstreamTimeout: positive('upstreamTimeout'),
    clientHeadersTimeout: positive('clientHeadersTimeout'),
    insecureUpstreamHosts: z.array(z.string().min(1).max(300)).max(1000),
    // setTimeout's bound: a longer delay would fire at once.
    breakpointTimeout: positive('breakpointTimeout').max(2 ** 31 - 1, { error: 'breakpointTimeout must be at most 2147483647 ms' }),
  })
  .strict();
