import { drawIcon, type GlyphStyle } from './draw-icons.js';
import { encodeIco, encodePng, type RgbaImage } from './ico.js';

const BLACK = [0, 0, 0] as const;
const CYAN = [8, 145, 178] as const;
const RED = [229, 72, 77] as const;
const NAVY = [15, 23, 42] as const;
const LIGHT_CYAN = [103, 232, 249] as const;

/** One generated asset: its path under assets/ and how to draw it. */
export interface IconSpec {
  readonly path: string;
  readonly kind: 'png' | 'ico';
  readonly sizes: readonly number[];
  readonly style: GlyphStyle;
}

const template = (alert: boolean): GlyphStyle => ({ color: BLACK, alert });
const colour = (alert: boolean): GlyphStyle => ({ color: CYAN, alert, badgeColor: RED });
const app: GlyphStyle = { color: LIGHT_CYAN, alert: false, background: NAVY };

/**
 * Every icon the app ships: macOS tray templates (black + alpha, `@2x` for Retina), Linux tray
 * PNGs (`@2x` too), Windows tray ICOs (16–48 px for 100–300 % scaling), the app icon as PNG
 * (512, 1024; electron-builder makes the .icns from it) and as a multi-size ICO (16–256 px).
 */
export const ICON_SPECS: readonly IconSpec[] = [
  { path: 'tray/trayTemplate.png', kind: 'png', sizes: [16], style: template(false) },
  { path: 'tray/trayTemplate@2x.png', kind: 'png', sizes: [32], style: template(false) },
  { path: 'tray/trayAlertTemplate.png', kind: 'png', sizes: [16], style: template(true) },
  { path: 'tray/trayAlertTemplate@2x.png', kind: 'png', sizes: [32], style: template(true) },
  { path: 'tray/tray.png', kind: 'png', sizes: [16], style: colour(false) },
  { path: 'tray/tray@2x.png', kind: 'png', sizes: [32], style: colour(false) },
  { path: 'tray/tray-alert.png', kind: 'png', sizes: [16], style: colour(true) },
  { path: 'tray/tray-alert@2x.png', kind: 'png', sizes: [32], style: colour(true) },
  { path: 'tray/tray.ico', kind: 'ico', sizes: [16, 20, 24, 32, 40, 48], style: colour(false) },
  { path: 'tray/tray-alert.ico', kind: 'ico', sizes: [16, 20, 24, 32, 40, 48], style: colour(true) },
  { path: 'icon.png', kind: 'png', sizes: [1024], style: app },
  { path: 'icon-512.png', kind: 'png', sizes: [512], style: app },
  { path: 'icon.ico', kind: 'ico', sizes: [16, 24, 32, 48, 64, 128, 256], style: app },
];

/** Draws one spec's images (one per size). */
export function drawSpec(spec: IconSpec): RgbaImage[] {
  return spec.sizes.map((size) => drawIcon(size, spec.style));
}

/** Encodes one spec to the bytes of its file. */
export function renderSpec(spec: IconSpec): Buffer {
  const images = drawSpec(spec);
  if (spec.kind === 'png') {
    const [image] = images;
    if (!image) throw new Error(`no image for ${spec.path}`);
    return encodePng(image);
  }
  return encodeIco(images.map((image) => ({ size: image.width, png: encodePng(image) })));
}
