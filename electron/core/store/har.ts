// Exchanges → HAR 1.2 (the format every inspector, browser and Charles/Proxyman imports).
import { headerPairs, headerValue, type Exchange, type PackedHeaders } from './exchange.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function harHeaders(packed: PackedHeaders) {
  return headerPairs(packed).map(([name, value]) => ({ name, value }));
}

function harText(bytes: Buffer): { text: string; encoding?: 'base64' } {
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { text: bytes.toString('base64'), encoding: 'base64' };
  }
}

function queryString(url: string) {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

export function toHar(exchanges: Exchange[], version: string): object {
  return {
    log: {
      version: '1.2',
      creator: { name: 'Proxyscope', version },
      entries: exchanges.map((ex) => {
        const ended = ex.endedAt ?? ex.startedAt;
        const waitEnd = ex.responseStartedAt ?? ended;
        const reqBody = ex.requestBody.bytes();
        const resBody = ex.responseBody.bytes();
        return {
          startedDateTime: new Date(ex.startedAt).toISOString(),
          time: ended - ex.startedAt,
          request: {
            method: ex.method,
            url: ex.url,
            httpVersion: `HTTP/${ex.httpVersion}`,
            cookies: [],
            headers: harHeaders(ex.requestHeaders),
            queryString: queryString(ex.url),
            ...(ex.requestBody.size > 0
              ? { postData: { mimeType: headerValue(ex.requestHeaders, 'content-type') ?? '', ...harText(reqBody) } }
              : {}),
            headersSize: -1,
            bodySize: ex.requestBody.size,
          },
          response: {
            status: ex.status ?? 0,
            statusText: ex.reason,
            httpVersion: `HTTP/${ex.httpVersion}`,
            cookies: [],
            headers: harHeaders(ex.responseHeaders),
            content: {
              size: ex.responseBody.size,
              mimeType: headerValue(ex.responseHeaders, 'content-type') ?? '',
              ...harText(resBody),
              ...(ex.responseBody.truncated ? { comment: `truncated: ${ex.responseBody.kept} of ${ex.responseBody.size} bytes kept` } : {}),
            },
            redirectURL: headerValue(ex.responseHeaders, 'location') ?? '',
            headersSize: -1,
            bodySize: ex.responseBody.size,
            ...(ex.error ? { _error: ex.error } : {}),
          },
          cache: {},
          timings: { send: 0, wait: waitEnd - ex.startedAt, receive: ended - waitEnd },
          _id: ex.id,
        };
      }),
    },
  };
}
