// @vitest-environment jsdom
// The detail view's account of a rewrite: which rule, the URL and status each
// way, header changes in words, both bodies; nothing at all when none happened.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BodyView, ExchangeDetail } from '../../../electron/core/api.js';
import { headerChanges } from '../../../renderer/src/components/headerChanges.js';
import { RewritePanel } from '../../../renderer/src/components/RewritePanel.js';
import { summary } from './rows.js';

// Bodies are formatted in a Web Worker, which jsdom has not: shown as their text here.
vi.mock('../../../renderer/src/worker/bodyClient', () => ({
  formatInWorker: async (req: { base64: string }) => ({ id: 0, kind: 'text', text: atob(req.base64), notes: [] }),
}));

afterEach(cleanup);

const body = (text: string): BodyView => ({ base64: btoa(text), size: text.length, truncated: false });

const detail = (over: Partial<ExchangeDetail> = {}): ExchangeDetail => ({
  ...summary('rw-1', { url: 'http://api.test/v1?id=7', status: 418 }),
  websocket: null,
  chunkTimes: null,
  request: { headers: [['Host', 'api.test'], ['Cookie', 'sid=1'], ['User-Agent', 'c/1']], body: body('{"price": 12}') },
  response: { status: 418, reason: "I'm a Teapot", headers: [['Content-Type', 'application/json'], ['X-Rewritten', 'yes']], body: body('{"price": 0}') },
  upstream: {
    rules: ['to staging'],
    request: { method: 'POST', url: 'https://staging.test/v1?id=7', headers: [['Host', 'staging.test'], ['User-Agent', 'r/1']], body: body('{"price": 1}') },
    response: { status: 200, reason: 'OK', headers: [['Content-Type', 'application/json'], ['Set-Cookie', 'a=1']], body: body('{"price": 99}') },
  },
  timings: { startedAt: 0, responseStartedAt: 1, endedAt: 2 },
  meta: {},
  ...over,
});

describe('rewrite panel', () => {
  it('names the rule, says the URL and status each way, lists header changes in words, and shows both bodies', async () => {
    render(<RewritePanel detail={detail()} />);
    const panel = screen.getByRole('region', { name: 'Rewrite' });
    expect(within(panel).getByRole('heading').textContent).toBe('Rewritten by rule "to staging"');
    expect(panel.textContent).toContain('URL sent upstreamhttp://api.test/v1?id=7 → , became https://staging.test/v1?id=7');
    expect(panel.textContent).toContain("Status the client got200 OK → , became 418 I'm a Teapot");
    const req = within(panel).getByRole('table', { name: 'Request headers changed on the way upstream' });
    expect(within(req).getAllByRole('row').map((r) => r.textContent)).toEqual(['Hostchangedapi.test → , became staging.test', 'Cookieremovedsid=1', 'User-Agentchangedc/1 → , became r/1']);
    const res = within(panel).getByRole('table', { name: 'Response headers changed on the way to the client' });
    expect(within(res).getAllByRole('row').map((r) => r.textContent)).toEqual(['Set-Cookieremoveda=1', 'X-Rewrittenaddedyes']);
    for (const [name, text] of [
      ['Request body the client sent', '{"price": 12}'],
      ['Request body sent upstream', '{"price": 1}'],
      ['Response body from the upstream', '{"price": 99}'],
      ['Response body the client got', '{"price": 0}'],
    ]) expect((await within(panel).findByRole('figure', { name })).textContent).toContain(text);
  });

  it('shows only what changed: no URL, status or bodies a rewrite left as they were', () => {
    const d = detail();
    render(<RewritePanel detail={{ ...d, upstream: { rules: ['a', 'b'], request: null, response: { ...d.upstream!.response!, status: 418, reason: "I'm a Teapot", body: null } } }} />);
    const panel = screen.getByRole('region', { name: 'Rewrite' });
    expect(within(panel).getByRole('heading').textContent).toBe('Rewritten by rules "a", "b"');
    expect(within(panel).queryByRole('term')).toBeNull();
    expect(within(panel).queryAllByRole('figure')).toEqual([]);
    expect(within(panel).queryByRole('table', { name: /Request headers/ })).toBeNull();
  });

  it('is not there for an exchange nothing rewrote', () => {
    const { container } = render(<RewritePanel detail={detail({ upstream: null })} />);
    expect(container.textContent).toBe('');
  });

  it('compares headers by name, any case, repeats together', () => {
    expect(headerChanges([['Set-Cookie', 'a'], ['set-cookie', 'b'], ['X', '1']], [['set-cookie', 'a'], ['Set-Cookie', 'b'], ['x', '2'], ['Y', '3']])).toEqual([
      { name: 'x', kind: 'changed', before: '1', after: '2' },
      { name: 'Y', kind: 'added', before: null, after: '3' },
    ]);
  });
});
