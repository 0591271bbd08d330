// Headers as they came on the wire: names in their case, in order, repeats kept.
import type { HeaderPair } from '../api.js';

/**
 * Node's rawHeaders (name, value, name, value …) joined by "\n" into one string,
 * which HTTP forbids inside a name or value and Node's parser refuses. One
 * string rather than an array of a dozen: fewer objects for the GC per stored exchange.
 */
export type PackedHeaders = string;

export function packHeaders(raw: readonly string[]): PackedHeaders {
  return raw.join('\n');
}

export function unpackHeaders(packed: PackedHeaders): string[] {
  return packed === '' ? [] : packed.split('\n');
}

export function headerPairs(packed: PackedHeaders): HeaderPair[] {
  const raw = unpackHeaders(packed);
  const pairs: HeaderPair[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

export function packPairs(pairs: readonly HeaderPair[]): PackedHeaders {
  return packHeaders(pairs.flat());
}

/** The first value of `name`, compared without case. */
export function headerValue(packed: PackedHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  const raw = unpackHeaders(packed);
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === lower) return raw[i + 1];
  return undefined;
}
