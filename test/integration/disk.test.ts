// Disk trouble: an outbox that cannot be opened, an outbox that is full.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startApp } from '../../electron/core/app.js';
import { startCollector } from '../support/collector.js';
import { viaProxy } from '../support/proxyClient.js';
import { upstreamForSuite } from '../support/upstreamFixture.js';

const TOKEN = 'disk-token-3131';
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const upstream = upstreamForSuite();

describe('disk trouble', () => {
  it('an outbox that cannot be opened: status says so, traffic flows, messages still go out', async () => {
    const dataDir = tmp('faults-disk-');
    mkdirSync(join(dataDir, 'outbox.db'));
    const sink = await startCollector({ token: TOKEN, bucket: 'b' });
    const lines: string[] = [];
    const degraded = await startApp({ dataDir, port: 0, host: '127.0.0.1', overrides: { bucket: 'b', access_token: TOKEN, api_endpoint: sink.url }, log: (l) => lines.push(l) });
    try {
      expect((await degraded.service.handlers.getStatus(undefined)).forwardingNote).toMatch(/outbox not durable/);
      expect(lines.join('\n')).toMatch(/outbox not durable/);
      expect((await viaProxy(degraded.proxyUrl, `${upstream().httpUrl}/json?disk`)).status).toBe(200);
      await sink.waitFor(1);
    } finally {
      await degraded.stop();
      await sink.close();
    }
  });

  it('a full outbox: new messages are refused by the documented rule, traffic flows, status says so', async () => {
    const sink = await startCollector({ token: TOKEN, bucket: 'b' });
    await sink.stop();
    const small = await startApp({
      dataDir: tmp('faults-full-'),
      port: 0,
      host: '127.0.0.1',
      overrides: { bucket: 'b', access_token: TOKEN, api_endpoint: sink.url },
      limits: { outboxMaxMessages: 2 },
    });
    try {
      for (let i = 0; i < 4; i++) expect((await viaProxy(small.proxyUrl, `${upstream().httpUrl}/json?full=${i}`)).status).toBe(200);
      const deadline = Date.now() + 5000;
      let status = await small.service.handlers.getStatus(undefined);
      while (!/outbox full/.test(status.forwardingNote ?? '') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        status = await small.service.handlers.getStatus(undefined);
      }
      expect(status.forwardingNote).toMatch(/outbox full/);
      expect(status.outboxDepth).toBe(2);
      await sink.start();
      await sink.waitFor(2);
      expect(sink.received.map((m) => m.request.url).sort()).toEqual([`${upstream().httpUrl}/json?full=0`, `${upstream().httpUrl}/json?full=1`]);
    } finally {
      await small.stop();
      await sink.close();
    }
  });
});
