import { describe, expect, it } from 'vitest';
import { SettingsPatchSchema } from '../contract/schemas.js';
import { listener as makeListener } from '../testing/fixtures.js';
import { normalizeLabel, pinnedPorts, pinPort, pinTitle, unpinPort } from './pins.js';

describe('pins: the one rule for window, tray and CLI', () => {
  it('pins a port with a label, relabels it in place, and unpins it', () => {
    let pins = pinPort([], 3000, 'Storefront API');
    pins = pinPort(pins, 5432);
    expect(pins).toEqual([
      { port: 3000, label: 'Storefront API' },
      { port: 5432, label: null },
    ]);
    pins = pinPort(pins, 3000, 'Shop API');
    expect(pins[0]).toEqual({ port: 3000, label: 'Shop API' });
    expect(pinPort(pins, 3000)[0]).toEqual({ port: 3000, label: 'Shop API' });
    expect(pinPort(pins, 3000, '')[0]).toEqual({ port: 3000, label: null });
    expect(unpinPort(pins, 3000)).toEqual([{ port: 5432, label: null }]);
  });

  it('cleans a label to one safe line', () => {
    expect(normalizeLabel('  Store\u001b[31mfront\nAPI \u202e ')).toBe('Storefront API');
    expect(normalizeLabel('x'.repeat(200))).toHaveLength(60);
    expect(pinTitle({ port: 3000, label: 'Storefront API' })).toBe(':3000 Storefront API');
    expect(pinTitle({ port: 3000, label: null })).toBe(':3000');
  });

  it('lists a pinned port as down when nothing listens on it', () => {
    const up = makeListener({ port: 3000 });
    const rows = pinnedPorts(
      [
        { port: 3000, label: 'Storefront API' },
        { port: 4000, label: null },
      ],
      [makeListener({ port: 8080 }), up],
    );
    expect(rows.map((r) => [r.pin.port, r.listeners.length])).toEqual([
      [3000, 1],
      [4000, 0],
    ]);
  });

  it('is part of the settings schema: a bad port or an overlong label is refused', () => {
    expect(SettingsPatchSchema.safeParse({ pins: [{ port: 3000, label: 'API' }] }).success).toBe(true);
    expect(SettingsPatchSchema.safeParse({ pins: [{ port: 0, label: null }] }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({ pins: [{ port: 1, label: 'x'.repeat(61) }] }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({ pins: [{ port: 1 }] }).success).toBe(false);
  });
});
