// The target of a CONNECT as the passthrough predicate and the tunnel exchange see it.
import { describe, expect, it } from 'vitest';
import { connectTarget } from '../../electron/core/proxy/tunnel.js';
import { hostOf } from '../../electron/core/flow/state.js';

describe('connectTarget', () => {
  it.each([
    ['Bank.Example:443', { hostname: 'bank.example', port: 443, host: 'bank.example', url: 'https://bank.example/' }],
    ['bank.example:8443', { hostname: 'bank.example', port: 8443, host: 'bank.example:8443', url: 'https://bank.example:8443/' }],
    ['[::1]:8443', { hostname: '[::1]', port: 8443, host: '[::1]:8443', url: 'https://[::1]:8443/' }],
    ['127.0.0.1:22', { hostname: '127.0.0.1', port: 22, host: '127.0.0.1:22', url: 'https://127.0.0.1:22/' }],
  ])('%s: host lower-cased (IPv6 in brackets), the default port left out of the URL as for intercepted https', (authority, expected) => {
    const t = connectTarget(authority);
    expect(t).toEqual(expected);
    // The stored exchange's host is read back from its URL: the two must agree.
    expect(hostOf(t!.url)).toBe(t!.host);
  });

  it.each(['bank.example', 'bank.example:0', 'bank.example:65536', 'a/b:443', 'user@bank.example:443', ':443', '', 'bank example:443'])(
    '%j is not a CONNECT target (the library is left to deal with it)',
    (authority) => expect(connectTarget(authority)).toBeNull(),
  );
});
