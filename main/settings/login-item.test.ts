import { describe, expect, it } from 'vitest';
import { autostartDesktopEntry, quoteExecArg } from './login-item.js';

describe('launch at login', () => {
  it('writes a desktop entry whose Exec survives spaces and shell characters', () => {
    const entry = autostartDesktopEntry('/home/me/Apps/Harbor Master $1.AppImage');
    expect(entry).toContain('Exec="/home/me/Apps/Harbor Master \\$1.AppImage" --hidden\n');
    expect(entry.startsWith('[Desktop Entry]\nType=Application\n')).toBe(true);
    expect(quoteExecArg('/opt/Harbormaster/harbormaster')).toBe('/opt/Harbormaster/harbormaster');
    expect(quoteExecArg('a"b`c\\d')).toBe('"a\\"b\\`c\\\\d"');
  });
});
