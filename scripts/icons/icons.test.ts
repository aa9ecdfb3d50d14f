import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { drawIcon, inAnchor } from './draw-icons.js';
import { drawSpec, ICON_SPECS } from './icon-set.js';
import { decodeIco, decodePng, encodeIco, encodePng } from './ico.js';

const assets = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets');

describe('PNG and ICO encoding', () => {
  it('round-trips pixels through PNG and ICO', () => {
    const img = drawIcon(24, { color: [1, 2, 3], alert: true, badgeColor: [200, 10, 10] });
    const png = encodePng(img);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(decodePng(png)).toEqual(img);
    const ico = encodeIco([
      { size: 24, png },
      { size: 256, png },
    ]);
    expect(decodeIco(ico).map((e) => e.size)).toEqual([24, 256]);
    expect(decodeIco(ico)[0]?.png.equals(png)).toBe(true);
  });

  it('rejects a corrupted PNG', () => {
    const png = encodePng(drawIcon(8, { color: [0, 0, 0], alert: false }));
    png[20] = (png[20] ?? 0) ^ 0xff;
    expect(() => decodePng(png)).toThrow();
  });
});

describe('the committed icons', () => {
  it('match what the generator draws now (run `npm run icons` after changing it)', () => {
    for (const spec of ICON_SPECS) {
      const file = readFileSync(join(assets, spec.path));
      const expected = drawSpec(spec);
      const actual = spec.kind === 'png' ? [decodePng(file)] : decodeIco(file).map((e) => decodePng(e.png));
      expect(
        actual.map((i) => i.width),
        spec.path,
      ).toEqual(spec.sizes);
      actual.forEach((img, i) =>
        expect(Buffer.from(img.data).equals(Buffer.from(expected[i]?.data ?? [])), spec.path).toBe(true),
      );
    }
  });

  it('has macOS template images that are pure black with alpha, at 1x and @2x', () => {
    for (const name of ['trayTemplate', 'trayAlertTemplate']) {
      const one = decodePng(readFileSync(join(assets, 'tray', `${name}.png`)));
      const two = decodePng(readFileSync(join(assets, 'tray', `${name}@2x.png`)));
      expect([one.width, two.width]).toEqual([16, 32]);
      for (let i = 0; i < two.data.length; i += 4) {
        expect([two.data[i], two.data[i + 1], two.data[i + 2]]).toEqual([0, 0, 0]);
      }
      expect(two.data.some((v, i) => i % 4 === 3 && v === 255)).toBe(true);
      expect(two.data.some((v, i) => i % 4 === 3 && v === 0)).toBe(true);
    }
  });

  it('draws the alert variant differently (a red badge on colour icons)', () => {
    const normal = decodePng(readFileSync(join(assets, 'tray', 'tray@2x.png')));
    const alert = decodePng(readFileSync(join(assets, 'tray', 'tray-alert@2x.png')));
    expect(Buffer.from(normal.data).equals(Buffer.from(alert.data))).toBe(false);
    const at = (x: number, y: number) =>
      Array.from(alert.data.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 4));
    expect(at(25, 25)).toEqual([229, 72, 77, 255]);
  });

  it('ships a Windows app icon with every size up to 256 px and a 1024 px PNG', () => {
    expect(decodeIco(readFileSync(join(assets, 'icon.ico'))).map((e) => e.size)).toEqual([
      16, 24, 32, 48, 64, 128, 256,
    ]);
    expect(decodePng(readFileSync(join(assets, 'icon.png'))).width).toBe(1024);
  });

  it('draws an anchor: the shank is filled, the ring has a hole', () => {
    expect(inAnchor(0.5, 0.6)).toBe(true);
    expect(inAnchor(0.5, 0.15)).toBe(false);
    expect(inAnchor(0.5, 0.05)).toBe(true);
    expect(inAnchor(0.05, 0.05)).toBe(false);
  });
});
