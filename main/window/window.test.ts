import { describe, expect, it } from 'vitest';
import { interestFor } from '../interest.js';
import {
  displayFor,
  positionPopover,
  taskbarEdgeOf,
  type DisplayArea,
  type Rect,
} from './popover-position.js';
import {
  BLUR_CLICK_GRACE_MS,
  popoverClickAction,
  trayClickAction,
  trayClickOpensPopover,
} from './popover-toggle.js';
import { POPOVER_SIZE, windowOptionsFor } from './window-options.js';

const size = { width: 400, height: 500 };
const noCursor = { x: 0, y: 0 };
const rect = (x: number, y: number, width: number, height: number): Rect => ({ x, y, width, height });

// A 1920×1080 display with a 40 px taskbar on each possible edge.
const bottomBar: DisplayArea = { bounds: rect(0, 0, 1920, 1080), workArea: rect(0, 0, 1920, 1040) };
const topBar: DisplayArea = { bounds: rect(0, 0, 1920, 1080), workArea: rect(0, 40, 1920, 1040) };
const leftBar: DisplayArea = { bounds: rect(0, 0, 1920, 1080), workArea: rect(60, 0, 1860, 1080) };
const rightBar: DisplayArea = { bounds: rect(0, 0, 1920, 1080), workArea: rect(0, 0, 1860, 1080) };

describe('positionPopover', () => {
  it('sits above a bottom taskbar, centred on the icon', () => {
    const p = positionPopover({
      trayBounds: rect(1500, 1044, 32, 32),
      windowSize: size,
      displays: [bottomBar],
      platform: 'win32',
      cursor: noCursor,
    });
    expect(p).toEqual({ x: 1316, y: 540, edge: 'bottom' });
  });

  it('hangs below a top bar (GNOME-like) and below the macOS menu bar', () => {
    expect(
      positionPopover({
        trayBounds: rect(900, 4, 32, 32),
        windowSize: size,
        displays: [topBar],
        platform: 'win32',
        cursor: noCursor,
      }),
    ).toEqual({ x: 716, y: 40, edge: 'top' });
    const mac: DisplayArea = { bounds: rect(0, 0, 1440, 900), workArea: rect(0, 25, 1440, 875) };
    expect(
      positionPopover({
        trayBounds: rect(1200, 0, 22, 24),
        windowSize: size,
        displays: [mac],
        platform: 'darwin',
        cursor: noCursor,
      }),
    ).toEqual({ x: 1011, y: 25, edge: 'top' });
  });

  it('sits beside a left or right taskbar, vertically centred on the icon', () => {
    expect(
      positionPopover({
        trayBounds: rect(14, 800, 32, 32),
        windowSize: size,
        displays: [leftBar],
        platform: 'win32',
        cursor: noCursor,
      }),
    ).toEqual({ x: 60, y: 566, edge: 'left' });
    expect(
      positionPopover({
        trayBounds: rect(1874, 300, 32, 32),
        windowSize: size,
        displays: [rightBar],
        platform: 'win32',
        cursor: noCursor,
      }),
    ).toEqual({ x: 1460, y: 66, edge: 'right' });
  });

  it('clamps into the work area when the icon is near a corner', () => {
    const corner = positionPopover({
      trayBounds: rect(1900, 1050, 16, 16),
      windowSize: size,
      displays: [bottomBar],
      platform: 'win32',
      cursor: noCursor,
    });
    expect(corner).toEqual({ x: 1520, y: 540, edge: 'bottom' });
    const topOfRightBar = positionPopover({
      trayBounds: rect(1874, 2, 32, 32),
      windowSize: size,
      displays: [rightBar],
      platform: 'win32',
      cursor: noCursor,
    });
    expect(topOfRightBar.y).toBe(0);
  });

  it('uses the display that holds the tray when there are several', () => {
    const left: DisplayArea = { bounds: rect(-1280, 0, 1280, 1024), workArea: rect(-1280, 0, 1280, 984) };
    const right: DisplayArea = { bounds: rect(0, 0, 2560, 1440), workArea: rect(0, 32, 2560, 1408) };
    const onLeft = positionPopover({
      trayBounds: rect(-200, 990, 24, 24),
      windowSize: size,
      displays: [right, left],
      platform: 'win32',
      cursor: noCursor,
    });
    // Clamped so it does not spill onto the right-hand display.
    expect(onLeft).toEqual({ x: -400, y: 484, edge: 'bottom' });
    const onRight = positionPopover({
      trayBounds: rect(2400, 4, 24, 24),
      windowSize: size,
      displays: [right, left],
      platform: 'win32',
      cursor: noCursor,
    });
    expect(onRight).toEqual({ x: 2160, y: 32, edge: 'top' });
  });

  it('keeps a popover wider than the screen pinned to the work area origin', () => {
    const small: DisplayArea = { bounds: rect(0, 0, 300, 400), workArea: rect(0, 0, 300, 370) };
    expect(
      positionPopover({
        trayBounds: rect(280, 375, 16, 16),
        windowSize: size,
        displays: [small],
        platform: 'win32',
        cursor: noCursor,
      }),
    ).toEqual({ x: 0, y: 0, edge: 'bottom' });
  });

  it('falls back to the cursor when the tray bounds are unknown (Linux reports zeros)', () => {
    const p = positionPopover({
      trayBounds: rect(0, 0, 0, 0),
      windowSize: size,
      displays: [topBar],
      platform: 'linux',
      cursor: { x: 1800, y: 10 },
    });
    expect(p).toEqual({ x: 1520, y: 40, edge: 'top' });
  });

  it('returns whole pixels for fractional scale factors', () => {
    const p = positionPopover({
      trayBounds: rect(1000.5, 1044.25, 21.5, 21.5),
      windowSize: { width: 401, height: 501 },
      displays: [bottomBar],
      platform: 'win32',
      cursor: noCursor,
    });
    expect(Number.isInteger(p.x) && Number.isInteger(p.y)).toBe(true);
  });
});

describe('taskbarEdgeOf', () => {
  it('reads the edge from bounds vs work area, or from the nearest edge when the bar auto-hides', () => {
    expect(taskbarEdgeOf(bottomBar, { x: 0, y: 0 })).toBe('bottom');
    expect(taskbarEdgeOf(topBar, { x: 0, y: 0 })).toBe('top');
    expect(taskbarEdgeOf(leftBar, { x: 0, y: 0 })).toBe('left');
    expect(taskbarEdgeOf(rightBar, { x: 0, y: 0 })).toBe('right');
    const autoHide: DisplayArea = { bounds: rect(0, 0, 1920, 1080), workArea: rect(0, 0, 1920, 1080) };
    expect(taskbarEdgeOf(autoHide, { x: 1900, y: 500 })).toBe('right');
    expect(taskbarEdgeOf(autoHide, { x: 900, y: 1075 })).toBe('bottom');
  });

  it('finds the nearest display for a point on no display', () => {
    const a: DisplayArea = { bounds: rect(0, 0, 100, 100), workArea: rect(0, 0, 100, 100) };
    const b: DisplayArea = { bounds: rect(100, 0, 100, 100), workArea: rect(100, 0, 100, 100) };
    expect(displayFor([a, b], { x: 250, y: 50 })).toBe(b);
    expect(displayFor([], { x: 0, y: 0 })).toBeNull();
  });
});

describe('popover toggling', () => {
  it('hides when visible, shows when hidden, and ignores the click that caused the blur', () => {
    expect(popoverClickAction({ visible: true, hiddenByBlurAt: null, now: 1000 })).toBe('hide');
    expect(popoverClickAction({ visible: false, hiddenByBlurAt: null, now: 1000 })).toBe('show');
    expect(popoverClickAction({ visible: false, hiddenByBlurAt: 900, now: 1000 })).toBe('stay-hidden');
    expect(
      popoverClickAction({ visible: false, hiddenByBlurAt: 1000 - BLUR_CLICK_GRACE_MS, now: 1000 }),
    ).toBe('show');
  });

  it('opens the popover from a tray click on macOS and Windows, and the window on Linux (KDE left click)', () => {
    expect(trayClickOpensPopover('darwin')).toBe(true);
    expect(trayClickOpensPopover('win32')).toBe(true);
    expect(trayClickOpensPopover('linux')).toBe(false);
    expect(trayClickAction('darwin')).toBe('toggle-popover');
    expect(trayClickAction('win32')).toBe('toggle-popover');
    expect(trayClickAction('linux')).toBe('show-window');
  });
});

describe('windowOptionsFor', () => {
  it('makes a frameless, fixed, always-on-top popover kept out of the taskbar', () => {
    const o = windowOptionsFor('popover', { preloadPath: '/p.cjs', platform: 'win32' });
    expect(o).toMatchObject({
      ...POPOVER_SIZE,
      show: false,
      frame: false,
      resizable: false,
      skipTaskbar: true,
      alwaysOnTop: true,
    });
  });

  it('makes a normal resizable window', () => {
    const o = windowOptionsFor('window', { preloadPath: '/p.cjs', platform: 'linux', icon: '/icon.png' });
    expect(o).toMatchObject({ show: false, resizable: true, icon: '/icon.png' });
    expect(o.frame).toBeUndefined();
  });

  it('gives both modes the hardened webPreferences with the preload', () => {
    for (const mode of ['popover', 'window'] as const) {
      const w = windowOptionsFor(mode, { preloadPath: '/p.cjs', platform: 'darwin' }).webPreferences;
      expect(w).toMatchObject({
        preload: '/p.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webviewTag: false,
        webSecurity: true,
        devTools: false,
      });
    }
  });
});

describe('interestFor', () => {
  it('is active while the menu or a window is open and idle otherwise', () => {
    expect(interestFor({ menuOpen: false, windowVisible: false })).toBe('idle');
    expect(interestFor({ menuOpen: true, windowVisible: false })).toBe('active');
    expect(interestFor({ menuOpen: false, windowVisible: true })).toBe('active');
  });
});
