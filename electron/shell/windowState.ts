// The main window's size and position, kept in userData/window-state.json.
// Plain Node: the displays' work areas are passed in, so none of this needs a
// running Electron.
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../core/files/writeFileAtomic.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Absent: let Electron centre the window. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 860 } as const;
export const MIN_SIZE = { width: 480, height: 320 } as const;
const MAX_FILE_BYTES = 4096;
const coordinate = z.number().int().min(-100_000).max(100_000);
const length = z.number().int().min(1).max(100_000);
const savedSchema = z.object({ x: coordinate, y: coordinate, width: length, height: length, maximized: z.boolean() });

export function defaultWindowState(): WindowState {
  return { ...DEFAULT_SIZE, maximized: false };
}

/** Reads the saved state; a missing, oversized, unparsable or out-of-range file yields the defaults. */
export async function readWindowState(file: string): Promise<WindowState> {
  try {
    if ((await stat(file)).size > MAX_FILE_BYTES) return defaultWindowState();
    const parsed = savedSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : defaultWindowState();
  } catch {
    return defaultWindowState();
  }
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/**
 * Fits the state to the displays' work areas (primary first): on the display
 * it overlaps most, moved and shrunk to lie wholly inside it; centred on the
 * primary one when it overlaps none (a monitor since unplugged).
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  const primary = workAreas[0];
  if (!primary) return state;
  const placed = state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y, width: state.width, height: state.height } : null;
  let area = primary;
  let best = 0;
  if (placed) {
    for (const wa of workAreas) {
      const o = overlap(placed, wa);
      if (o > best) [area, best] = [wa, o];
    }
  }
  const width = clamp(state.width, Math.min(MIN_SIZE.width, area.width), area.width);
  const height = clamp(state.height, Math.min(MIN_SIZE.height, area.height), area.height);
  if (!placed) return { width, height, maximized: state.maximized };
  const x = best > 0 ? clamp(placed.x, area.x, area.x + area.width - width) : area.x + Math.round((area.width - width) / 2);
  const y = best > 0 ? clamp(placed.y, area.y, area.y + area.height - height) : area.y + Math.round((area.height - height) / 2);
  return { x, y, width, height, maximized: state.maximized };
}

/** What the tracker needs of a BrowserWindow. */
export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  on(event: 'move' | 'resize' | 'maximize' | 'unmaximize' | 'close' | 'closed', listener: () => void): unknown;
}

export interface WindowStateTracker {
  /** Writes the latest state now if it has not been written; resolves when on disk. */
  flush(): Promise<void>;
}

/**
 * Saves the window's state to `file`: debounced while it moves or resizes, at
 * once when it closes. The state is read at each event, so nothing touches the
 * window after it is gone; writes run one at a time, and an unchanged state is
 * not written again.
 */
export function trackWindowState(win: TrackedWindow, file: string, debounceMs = 500): WindowStateTracker {
  let latest: string | null = null;
  let written: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();

  const snapshot = (): void => {
    const b = win.getNormalBounds();
    const state = { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height), maximized: win.isMaximized() };
    latest = JSON.stringify(state);
  };
  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    chain = chain.then(async () => {
      const data = latest;
      if (data === null || data === written) return;
      // A failed write (disk full, read-only userData) only costs the saved position.
      await writeFileAtomic(file, `${data}\n`, 0o600).then(() => void (written = data), () => undefined);
    });
    return chain;
  };
  const changed = (): void => {
    snapshot();
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), debounceMs);
  };

  for (const event of ['move', 'resize', 'maximize', 'unmaximize'] as const) win.on(event, changed);
  win.on('close', () => {
    snapshot();
    void flush();
  });
  win.on('closed', () => {
    if (timer) clearTimeout(timer);
    timer = null;
  });
  return { flush };
}
