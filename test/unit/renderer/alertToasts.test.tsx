// @vitest-environment jsdom
// Alert toasts: one live region, the newest few shown with rule, method, URL,
// status and "+N more", the rest counted, dismissible, gone after a while but
// not while the user is in them.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RuleAlert } from '../../../electron/core/api.js';
import { AlertToasts } from '../../../renderer/src/components/AlertToasts.js';
import { HIDE_MS, LINGER_MS, useAlerts } from '../../../renderer/src/stores/alertStore.js';

const alert = (rule: string, extra: Partial<RuleAlert> = {}): RuleAlert => ({ rule, id: rule, method: 'GET', url: `http://127.0.0.1:9/${rule}`, status: 500, suppressed: 0, at: 0, ...extra });
const region = () => screen.getByRole('status', { name: 'Alerts' });
const push = (...alerts: RuleAlert[]) => act(() => useAlerts.getState().push(alerts));

beforeEach(() => {
  vi.useFakeTimers();
  act(() => useAlerts.getState().dismissAll());
  render(<AlertToasts />);
});
afterEach(() => {
  cleanup();
  act(() => useAlerts.getState().hold(false));
  vi.useRealTimers();
});

describe('alert toasts', () => {
  it('shows an alert with its rule, method, URL, status and what was suppressed', () => {
    expect(region().textContent).toBe('');
    push(alert('5xx', { suppressed: 4 }));
    const shown = within(region()).getByText('5xx').parentElement!.parentElement!;
    expect(shown.textContent).toBe('5xx · status 500 · +4 more' + 'GET http://127.0.0.1:9/5xx');
    push(alert('pending', { status: null }));
    expect(region().textContent).toContain('no response');
  });

  it('shows the newest three and counts the rest', () => {
    push(alert('a'), alert('b'), alert('c'), alert('d'), alert('e'));
    expect(within(region()).getAllByRole('button', { name: /^Dismiss alert/ }).map((b) => b.getAttribute('aria-label'))).toEqual(['Dismiss alert c', 'Dismiss alert d', 'Dismiss alert e']);
    expect(region().textContent).toContain('2 more alerts');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss alert e' }));
    expect(region().textContent).toContain('1 more alert');
    expect(region().textContent).toContain('b');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss all' }));
    expect(region().textContent).toBe('');
  });

  it('hides each after a while, but not while the pointer or focus is in them', () => {
    push(alert('a'));
    act(() => vi.advanceTimersByTime(HIDE_MS / 2));
    push(alert('b'));
    act(() => vi.advanceTimersByTime(HIDE_MS / 2));
    expect(region().textContent).not.toContain('/a');
    expect(region().textContent).toContain('/b');
    fireEvent.mouseEnter(region());
    act(() => vi.advanceTimersByTime(HIDE_MS * 3));
    expect(region().textContent).toContain('/b');
    fireEvent.mouseLeave(region());
    act(() => vi.advanceTimersByTime(LINGER_MS - 1));
    expect(region().textContent).toContain('/b');
    act(() => vi.advanceTimersByTime(1));
    expect(region().textContent).toBe('');
  });
});
