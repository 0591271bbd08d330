// Turns an upstream failure into what the client is told (status + short text).

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export class UpstreamTimeoutError extends Error {
  readonly code = 'PROXYSCOPE_UPSTREAM_TIMEOUT';
  constructor(ms: number) {
    super(`upstream did not answer within ${ms} ms`);
  }
}

export function describeUpstreamError(err: unknown, target: string): { status: 502 | 504; text: string } {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code ?? '';
  if (err instanceof UpstreamTimeoutError) return { status: 504, text: `${err.message} (${target})` };
  if (code === 'ECONNREFUSED') return { status: 502, text: `upstream refused the connection (${target})` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { status: 502, text: `upstream host not found (${target})` };
  if (code === 'ECONNRESET' || e?.message === 'socket hang up')
    return { status: 502, text: `upstream closed the connection before answering (${target})` };
  if (code === 'ETIMEDOUT') return { status: 504, text: `upstream connection timed out (${target})` };
  if (TLS_CODES.has(code) || code.includes('CERT') || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))
    return { status: 502, text: `upstream TLS failed: ${code}: ${e?.message ?? ''} (${target})` };
  if (code === 'HPE_INVALID_CONSTANT' || code.startsWith('HPE_'))
    return { status: 502, text: `upstream sent an invalid HTTP response: ${code} (${target})` };
  return { status: 502, text: `upstream error: ${code || e?.message || String(err)} (${target})` };
}
