import type { RgbaImage } from './ico.js';

/** How a glyph is painted. */
export interface GlyphStyle {
  /** Anchor colour (RGB); macOS template images are pure black and let the OS tint them. */
  readonly color: readonly [number, number, number];
  /** Adds the "a watched port is down" badge in the lower right. */
  readonly alert: boolean;
  /** Badge colour; templates use the glyph colour (shape only). */
  readonly badgeColor?: readonly [number, number, number];
  /** A rounded-square background (the app icon), or transparent (tray icons). */
  readonly background?: readonly [number, number, number];
}

type Point = readonly [number, number];

const inCircle = (x: number, y: number, cx: number, cy: number, r: number) =>
  (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const inRect = (x: number, y: number, x0: number, y0: number, x1: number, y1: number) =>
  x >= x0 && x <= x1 && y >= y0 && y <= y1;

function inTriangle(x: number, y: number, a: Point, b: Point, c: Point): boolean {
  const s = (p: Point, q: Point) => (x - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (y - q[1]);
  const d1 = s(a, b);
  const d2 = s(b, c);
  const d3 = s(c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/**
 * The Harbormaster anchor in unit coordinates (0..1, y down): ring, stock, shank, curved arms and
 * flukes. Strokes are thick so the shape survives 16 px.
 */
export function inAnchor(x: number, y: number): boolean {
  const ring = inCircle(x, y, 0.5, 0.15, 0.12) && !inCircle(x, y, 0.5, 0.15, 0.055);
  const stock = inRect(x, y, 0.27, 0.3, 0.73, 0.39);
  const shank = inRect(x, y, 0.44, 0.25, 0.56, 0.88);
  const arms = y >= 0.5 && inCircle(x, y, 0.5, 0.5, 0.4) && !inCircle(x, y, 0.5, 0.5, 0.29);
  const leftFluke = inTriangle(x, y, [0.02, 0.6], [0.26, 0.55], [0.12, 0.36]);
  const rightFluke = inTriangle(x, y, [0.98, 0.6], [0.74, 0.55], [0.88, 0.36]);
  return ring || stock || shank || arms || leftFluke || rightFluke;
}

const BADGE = { cx: 0.79, cy: 0.79, r: 0.2, gap: 0.07 } as const;

function inRoundedSquare(x: number, y: number, radius: number): boolean {
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius;
}

/**
 * Draws an icon at `size` px with 4×4 supersampling for smooth edges. The app icon puts the
 * anchor at 68% on a rounded square; tray icons use the whole canvas.
 */
export function drawIcon(size: number, style: GlyphStyle): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  const samples = 4;
  const inset = style.background ? 0.16 : 0;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let glyph = 0;
      let badge = 0;
      let bg = 0;
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          if (style.background && inRoundedSquare(x, y, 0.22)) bg += 1;
          const gx = (x - inset) / (1 - 2 * inset);
          const gy = (y - inset) / (1 - 2 * inset);
          const inBadge = style.alert && inCircle(gx, gy, BADGE.cx, BADGE.cy, BADGE.r);
          const inGap = style.alert && inCircle(gx, gy, BADGE.cx, BADGE.cy, BADGE.r + BADGE.gap);
          if (inBadge) badge += 1;
          else if (!inGap && inAnchor(gx, gy)) glyph += 1;
        }
      }
      const n = samples * samples;
      const layers: [readonly [number, number, number], number][] = [];
      if (style.background) layers.push([style.background, bg / n]);
      layers.push([style.color, glyph / n]);
      layers.push([style.badgeColor ?? style.color, badge / n]);
      // "Over" compositing of the layers, back to front.
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const [[lr, lg, lb], la] of layers) {
        const outA = la + a * (1 - la);
        if (outA > 0) {
          r = (lr * la + r * a * (1 - la)) / outA;
          g = (lg * la + g * a * (1 - la)) / outA;
          b = (lb * la + b * a * (1 - la)) / outA;
        }
        a = outA;
      }
      const i = (py * size + px) * 4;
      data[i] = Math.round(r);
      data[i + 1] = Math.round(g);
      data[i + 2] = Math.round(b);
      data[i + 3] = Math.round(a * 255);
    }
  }
  return { width: size, height: size, data };
}
