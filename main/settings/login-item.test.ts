import { describe, expect, it } from 'vitest';
import { settingsWith } from '../test-support/listeners.js';
import { autostartDesktopEntry, loginItemSettings, quoteExecArg } from './login-item.js';

describe('launch at login', () => {
  it('uses Electron login items on macOS and Windows, and an autostart file on Linux', () => {
    expect(loginItemSettings(settingsWith({ launchAtLogin: true }), 'darwin')).toEqual({ openAtLogin: true });
    expect(loginItemSettings(settingsWith({ launchAtLogin: false }), 'win32')).toEqual({
      openAtLogin: false,
    });
    expect(loginItemSettings(settingsWith({ launchAtLogin: true }), 'linux')).toBeNull();
  });

  it('writes a desktop entry whose Exec survives spaces and shell characters', () => {
    const entry = autostartDesktopEntry('/home/me/Apps/Harbor Master $1.AppImage');
    expect(entry).toContain('Exec="/home/me/Apps/Harbor Master \\$1.AppImage"\n');
    expect(entry.startsWith('[Desktop Entry]\nType=Application\n')).toBe(true);
    expect(quoteExecArg('/opt/Harbormaster/harbormaster')).toBe('/opt/Harbormaster/harbormaster');
    expect(quoteExecArg('a"b`c\\d')).toBe('"a\\"b\\`c\\\\d"');
  });
});
