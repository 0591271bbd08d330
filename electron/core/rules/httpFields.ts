// Header names and values as rules may write them: shared by the actions that
// set headers (mock, rewrite), so each refuses the same things with the same words.
import { z } from 'zod';

/** RFC 9110 5.1: a token. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const headerName = z.string().regex(HEADER_NAME, { error: 'must be an HTTP header name' });
export const headerValue = z.string().max(8192).refine((v) => !/[\r\n\0]/.test(v), { error: 'must not contain CR, LF or NUL' });
