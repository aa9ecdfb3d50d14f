/** A screen rectangle in DIP (Electron's `Rectangle`). */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A display as `screen.getAllDisplays()` reports it: full bounds and the area not covered by bars. */
export interface DisplayArea {
  readonly bounds: Rect;
  readonly workArea: Rect;
}

/** Which screen edge the taskbar/menu bar (and so the tray) sits on. */
export type TaskbarEdge = 'top' | 'bottom' | 'left' | 'right';

/** Everything the positioning needs, as plain data (menubar's getWindowPosition, minus `screen`). */
export interface PopoverInput {
  /** `tray.getBounds()`; all zeros where the platform does not report it (Linux). */
  readonly trayBounds: Rect;
  readonly windowSize: { readonly width: number; readonly height: number };
  readonly displays: readonly DisplayArea[];
  readonly platform: NodeJS.Platform;
  /** `screen.getCursorScreenPoint()`, used when the tray bounds are unknown. */
  readonly cursor: { readonly x: number; readonly y: number };
  /** Force an edge (tests, or a known setup); otherwise derived from the display. */
  readonly taskbarEdge?: TaskbarEdge;
}

/** Where to put the popover, in whole pixels, and which edge it hangs from. */
export interface PopoverPosition {
  readonly x: number;
  readonly y: number;
  readonly edge: TaskbarEdge;
}

/**
 * Places the popover next to the tray icon: centred on the icon along the taskbar, flush with the
 * taskbar's inner edge, and clamped into the work area of the display that holds the icon.
 * Coordinates are rounded because fractional positions crashed `setPosition`
 * (https://github.com/max-mapper/menubar/issues/233); the edge is recomputed on every show because
 * users move their taskbar (https://github.com/max-mapper/menubar/issues/232).
 */
export function positionPopover(input: PopoverInput): PopoverPosition {
  const anchor = hasArea(input.trayBounds) ? centerOf(input.trayBounds) : input.cursor;
  const display = displayFor(input.displays, anchor);
  const work = display?.workArea ?? {
    x: 0,
    y: 0,
    width: input.windowSize.width,
    height: input.windowSize.height,
  };
  const edge =
    input.taskbarEdge ??
    (input.platform === 'darwin' ? 'top' : display ? taskbarEdgeOf(display, anchor) : 'bottom');
  const { width, height } = input.windowSize;
  let x: number;
  let y: number;
  switch (edge) {
    case 'top':
      x = anchor.x - width / 2;
      y = work.y;
      break;
    case 'bottom':
      x = anchor.x - width / 2;
      y = work.y + work.height - height;
      break;
    case 'left':
      x = work.x;
      y = anchor.y - height / 2;
      break;
    case 'right':
      x = work.x + work.width - width;
      y = anchor.y - height / 2;
      break;
  }
  return {
    x: Math.round(clamp(x, work.x, work.x + work.width - width)),
    y: Math.round(clamp(y, work.y, work.y + work.height - height)),
    edge,
  };
}

/**
 * The taskbar edge of a display, from the difference between its bounds and work area. With an
 * auto-hidden taskbar the two are equal; then the edge nearest to the tray icon wins.
 */
export function taskbarEdgeOf(display: DisplayArea, anchor: { x: number; y: number }): TaskbarEdge {
  const { bounds: b, workArea: w } = display;
  if (w.y > b.y) return 'top';
  if (w.x > b.x) return 'left';
  if (w.x + w.width < b.x + b.width) return 'right';
  if (w.y + w.height < b.y + b.height) return 'bottom';
  const distances: [TaskbarEdge, number][] = [
    ['bottom', b.y + b.height - anchor.y],
    ['top', anchor.y - b.y],
    ['left', anchor.x - b.x],
    ['right', b.x + b.width - anchor.x],
  ];
  distances.sort((p, q) => p[1] - q[1]);
  return distances[0]?.[0] ?? 'bottom';
}

/** The display whose bounds contain the point, else the nearest one (a tray icon on a seam). */
export function displayFor(
  displays: readonly DisplayArea[],
  point: { x: number; y: number },
): DisplayArea | null {
  let best: DisplayArea | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const d of displays) {
    const distance = distanceToRect(d.bounds, point);
    if (distance < bestDistance) {
      best = d;
      bestDistance = distance;
    }
  }
  return best;
}

function distanceToRect(r: Rect, p: { x: number; y: number }): number {
  const dx = Math.max(r.x - p.x, 0, p.x - (r.x + r.width - 1));
  const dy = Math.max(r.y - p.y, 0, p.y - (r.y + r.height - 1));
  return Math.hypot(dx, dy);
}

function hasArea(r: Rect): boolean {
  return r.width > 0 && r.height > 0;
}

function centerOf(r: Rect): { x: number; y: number } {
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}

function clamp(value: number, min: number, max: number): number {
  // A window larger than the work area is pinned to the work area's top-left corner.
  return Math.max(min, Math.min(value, Math.max(min, max)));
}
