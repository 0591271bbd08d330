// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { pickTransport, type PreloadBridge } from '../../../renderer/src/transport.js';

const location = { protocol: 'http:', host: '127.0.0.1:8081', search: '?token=abc%2Bdef' };

describe('transport selection', () => {
  it('uses the Electron preload bridge when present', async () => {
    const calls: unknown[] = [];
    const bridge: PreloadBridge = { invoke: async (c, a) => (calls.push([c, a]), 'pong'), onEvents: () => () => undefined };
    const t = pickTransport({ proxyscope: bridge, location });
    expect(t.kind).toBe('electron');
    expect(await t.invoke('getStatus')).toBe('pong');
    expect(calls).toEqual([['getStatus', undefined]]);
  });

  it('otherwise opens a WebSocket to /api on the same host, carrying the token', async () => {
    const opened: string[] = [];
    const sent: string[] = [];
    class FakeSocket extends EventTarget {
      constructor(url: string) {
        super();
        opened.push(url);
        queueMicrotask(() => this.dispatchEvent(new Event('open')));
      }
      send(data: string) {
        sent.push(data);
        const { id } = JSON.parse(data);
        queueMicrotask(() => this.dispatchEvent(Object.assign(new Event('message'), { data: JSON.stringify({ id, ok: true, result: { proxy: 'p' } }) })));
      }
    }
    const t = pickTransport({ location }, FakeSocket as unknown as typeof WebSocket);
    expect(t.kind).toBe('websocket');
    expect(opened).toEqual(['ws://127.0.0.1:8081/api?token=abc%2Bdef']);
    expect(await t.invoke('getStatus')).toEqual({ proxy: 'p' });
    expect(JSON.parse(sent[0]!)).toMatchObject({ command: 'getStatus' });
  });
});
