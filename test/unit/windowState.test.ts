import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { defaultWindowState, fitToDisplays, readWindowState, trackWindowState, type Rect, type TrackedWindow } from '../../electron/shell/windowState.js';

const fileIn = () => join(mkdtempSync(join(tmpdir(), 'winstate-')), 'window-state.json');
const laptop: Rect = { x: 0, y: 25, width: 1440, height: 875 };
const external: Rect = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('reading the saved window state', () => {
  it('reads what was saved', async () => {
    const file = fileIn();
    writeFileSync(file, JSON.stringify({ x: 100, y: 80, width: 1000, height: 700, maximized: true }));
    expect(await readWindowState(file)).toEqual({ x: 100, y: 80, width: 1000, height: 700, maximized: true });
  });

  it('falls back to the defaults for a missing, corrupt, hostile or oversized file', async () => {
    expect(await readWindowState(fileIn())).toEqual(defaultWindowState());
    const bad: string[] = [
      '{"x": 1, "y": 2, "width": 800',
      'null',
      '[1, 2, 3, 4]',
      JSON.stringify({ x: '100', y: 80, width: 1000, height: 700, maximized: false }),
      JSON.stringify({ x: 100, y: 80, width: 0, height: 700, maximized: false }),
      JSON.stringify({ x: 100, y: 80, width: -5, height: 700, maximized: false }),
      JSON.stringify({ x: 1e300, y: 80, width: 1000, height: 700, maximized: false }),
      JSON.stringify({ x: 10.5, y: 80, width: 1000, height: 700, maximized: false }),
      JSON.stringify({ x: 100, y: 80, width: 1000, height: 700, maximized: 'yes' }),
      JSON.stringify({ width: 1000, height: 700 }),
      `{"x": 1, "y": 2, "width": 800, "height": 600, "maximized": false, "pad": "${'a'.repeat(10_000)}"}`,
    ];
    for (const text of bad) {
      const file = fileIn();
      writeFileSync(file, text);
      expect(await readWindowState(file), text.slice(0, 60)).toEqual(defaultWindowState());
    }
  });

  it('keeps only the known fields', async () => {
    const file = fileIn();
    writeFileSync(file, '{"x": 1, "y": 30, "width": 800, "height": 600, "maximized": false, "__proto__": {"polluted": true}, "extra": 1}');
    const state = await readWindowState(file);
    expect(state).toEqual({ x: 1, y: 30, width: 800, height: 600, maximized: false });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('fitting to the displays', () => {
  it('keeps a window that is wholly on a display where it is', () => {
    const s = { x: 1600, y: 100, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(s, [laptop, external])).toEqual(s);
  });

  it('without a saved position: the size shrunk to the primary display, Electron centres it', () => {
    expect(fitToDisplays(defaultWindowState(), [{ x: 0, y: 0, width: 1024, height: 700 }])).toEqual({ width: 1024, height: 700, maximized: false });
    expect(fitToDisplays(defaultWindowState(), [laptop])).toEqual({ width: 1280, height: 860, maximized: false });
  });

  it('pulls a window half off-screen back onto the display it overlaps most', () => {
    expect(fitToDisplays({ x: 3500, y: -200, width: 1200, height: 800, maximized: false }, [laptop, external])).toEqual({ x: 2800, y: 0, width: 1200, height: 800, maximized: false });
    expect(fitToDisplays({ x: -300, y: 500, width: 1000, height: 700, maximized: false }, [laptop, external])).toEqual({ x: 0, y: 200, width: 1000, height: 700, maximized: false });
  });

  it('centres on the primary display a window whose display is gone', () => {
    expect(fitToDisplays({ x: 5000, y: 100, width: 2000, height: 1200, maximized: true }, [laptop])).toEqual({ x: 0, y: 25, width: 1440, height: 875, maximized: true });
    expect(fitToDisplays({ x: 5000, y: 100, width: 800, height: 600, maximized: false }, [laptop])).toEqual({ x: 320, y: 163, width: 800, height: 600, maximized: false });
  });

  it('raises a tiny saved size to the minimum, never beyond the display', () => {
    expect(fitToDisplays({ x: 10, y: 30, width: 50, height: 40, maximized: false }, [laptop])).toMatchObject({ width: 480, height: 320 });
    expect(fitToDisplays({ x: 0, y: 0, width: 50, height: 40, maximized: false }, [{ x: 0, y: 0, width: 400, height: 300 }])).toMatchObject({ width: 400, height: 300 });
  });

  it('with no display reported, leaves the state as it is', () => {
    const s = { x: 1, y: 2, width: 800, height: 600, maximized: false };
    expect(fitToDisplays(s, [])).toEqual(s);
  });
});

function fakeWindow(initial: Rect) {
  type Ev = Parameters<TrackedWindow['on']>[0];
  const listeners = new Map<Ev, Array<() => void>>();
  let bounds = initial;
  let maximized = false;
  let gone = false;
  const win: TrackedWindow = {
    getNormalBounds: () => {
      if (gone) throw new Error('Object has been destroyed');
      return bounds;
    },
    isMaximized: () => maximized,
    on: (event, fn) => listeners.set(event, [...(listeners.get(event) ?? []), fn]),
  };
  const emit = (event: Ev) => listeners.get(event)?.forEach((fn) => fn());
  return {
    win,
    moveTo: (b: Rect) => ((bounds = b), emit('move')),
    maximize: () => ((maximized = true), emit('maximize')),
    close: () => (emit('close'), (gone = true), emit('closed')),
  };
}

describe('saving the window state', () => {
  it('debounces moves into one write of the last position, 0600, with no temp file left', async () => {
    const file = fileIn();
    const w = fakeWindow({ x: 0, y: 0, width: 900, height: 600 });
    trackWindowState(w.win, file, 40);
    for (let i = 1; i <= 5; i++) w.moveTo({ x: i * 10, y: 30, width: 900, height: 600 });
    expect(existsSync(file)).toBe(false);
    await sleep(150);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 50, y: 30, width: 900, height: 600, maximized: false });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(file, '..'))).toEqual(['window-state.json']);
  });

  it('writes at once on close, and keeps the normal bounds of a maximised window', async () => {
    const file = fileIn();
    const w = fakeWindow({ x: 200, y: 100, width: 1000, height: 700 });
    const tracker = trackWindowState(w.win, file, 60_000);
    w.maximize();
    w.close();
    await tracker.flush();
    expect(await readWindowState(file)).toEqual({ x: 200, y: 100, width: 1000, height: 700, maximized: true });
  });

  it('flush after close writes nothing new and never touches the destroyed window', async () => {
    const file = fileIn();
    const w = fakeWindow({ x: 1, y: 2, width: 800, height: 600 });
    const tracker = trackWindowState(w.win, file, 60_000);
    w.moveTo({ x: 5, y: 30, width: 800, height: 600 });
    w.close();
    await tracker.flush();
    const written = statSync(file).mtimeMs;
    await sleep(20);
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(statSync(file).mtimeMs).toBe(written);
    expect((await readWindowState(file)).x).toBe(5);
  });

  it('overlapping flushes run one at a time and leave the latest state', async () => {
    const file = fileIn();
    const w = fakeWindow({ x: 0, y: 0, width: 800, height: 600 });
    const tracker = trackWindowState(w.win, file, 60_000);
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      w.moveTo({ x: i, y: 40, width: 800, height: 600 });
      flushes.push(tracker.flush());
    }
    await Promise.all(flushes);
    expect((await readWindowState(file)).x).toBe(19);
  });

  it('a write that fails (unwritable path) is dropped without an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winstate-'));
    writeFileSync(join(dir, 'not-a-dir'), '');
    const w = fakeWindow({ x: 0, y: 0, width: 800, height: 600 });
    const tracker = trackWindowState(w.win, join(dir, 'not-a-dir', 'window-state.json'), 60_000);
    w.moveTo({ x: 3, y: 40, width: 800, height: 600 });
    await expect(tracker.flush()).resolves.toBeUndefined();
  });
});
