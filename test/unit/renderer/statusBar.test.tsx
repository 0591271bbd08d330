// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Status } from '../../../electron/core/api.js';
import { StatusBar } from '../../../renderer/src/components/StatusBar.js';
import { useStatus } from '../../../renderer/src/stores/statusStore.js';

const status: Status = { proxy: 'http://127.0.0.1:8080', caPath: '/ca.pem', caExported: true, forwarding: false, forwardingNote: null, outboxDepth: 0, lastDeliveryError: null, storeNote: null, evictionNote: null, bodiesUnindexed: 0 };

afterEach(cleanup);

describe('status bar', () => {
  it('shows the session store’s notes only when set', () => {
    useStatus.setState({ connected: true, status });
    const { rerender } = render(<StatusBar />);
    expect(screen.getByRole('status', { name: 'Status' }).textContent).not.toMatch(/Session store|retention/);
    useStatus.setState({ status: { ...status, storeNote: 'cannot write: disk full', evictionNote: 'retention removed the 10 oldest exchanges' } });
    rerender(<StatusBar />);
    expect(screen.getByRole('status', { name: 'Status' }).textContent).toContain('Session store: cannot write: disk full');
    expect(screen.getByRole('status', { name: 'Status' }).textContent).toContain('retention removed the 10 oldest exchanges');
  });

  it('says when the saved proxy port was busy and which one was taken', () => {
    useStatus.setState({ connected: true, status: { ...status, proxy: 'http://127.0.0.1:8081', proxyNote: 'Port 8080 was busy; using 8081' } });
    render(<StatusBar />);
    expect(screen.getByRole('status', { name: 'Status' }).textContent).toContain('Port 8080 was busy; using 8081');
  });

  it('says how far body indexing is behind, once it is a thousand bodies or more', () => {
    useStatus.setState({ connected: true, status: { ...status, bodiesUnindexed: 999 } });
    const { rerender } = render(<StatusBar />);
    expect(screen.getByRole('status', { name: 'Status' }).textContent).not.toMatch(/Indexing/);
    useStatus.setState({ status: { ...status, bodiesUnindexed: 25000 } });
    rerender(<StatusBar />);
    expect(screen.getByRole('status', { name: 'Status' }).textContent).toContain('Indexing bodies for search: 25,000 to go');
  });
});
