import { describe, expect, it } from 'vitest';
import { bringToFront, claimSingleInstance, type FocusableWindow } from '../../electron/shell/singleInstance.js';

function fakeApp(lock: boolean) {
  const listeners: Array<() => void> = [];
  return {
    listeners,
    requestSingleInstanceLock: () => lock,
    on: (event: string, fn: () => void) => void (event === 'second-instance' && listeners.push(fn)),
  };
}

function fakeWindow(state: { minimized?: boolean; destroyed?: boolean } = {}) {
  const calls: string[] = [];
  const win: FocusableWindow = {
    isDestroyed: () => state.destroyed ?? false,
    isMinimized: () => state.minimized ?? false,
    restore: () => void calls.push('restore'),
    focus: () => void calls.push('focus'),
  };
  return { win, calls };
}

describe('single instance', () => {
  it('without the lock: says quit and listens for nothing', () => {
    const app = fakeApp(false);
    expect(claimSingleInstance(app, () => null)).toBe(false);
    expect(app.listeners).toHaveLength(0);
  });

  it('with the lock: a second launch restores a minimised window and focuses it', () => {
    const app = fakeApp(true);
    const { win, calls } = fakeWindow({ minimized: true });
    expect(claimSingleInstance(app, () => win)).toBe(true);
    app.listeners.forEach((fn) => fn());
    expect(calls).toEqual(['restore', 'focus']);
  });

  it('asks for the window at each launch: focuses the one open now, skips one not yet created or already gone', () => {
    let current: FocusableWindow | null = null;
    const app = fakeApp(true);
    claimSingleInstance(app, () => current);
    expect(() => app.listeners[0]!()).not.toThrow();
    const later = fakeWindow();
    current = later.win;
    app.listeners[0]!();
    expect(later.calls).toEqual(['focus']);
    const gone = fakeWindow({ destroyed: true });
    bringToFront(gone.win);
    expect(gone.calls).toEqual([]);
  });
});
