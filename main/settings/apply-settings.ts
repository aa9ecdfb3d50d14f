import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, nativeTheme } from 'electron';
import type { Settings } from '../../app/model/settings.js';
import { autostartDesktopEntry, loginItemSettings } from './login-item.js';

/**
 * Glue: applies the settings that live outside the core: theme (`nativeTheme.themeSource`, which
 * the renderer sees as `prefers-color-scheme`) and launch at login (login item on macOS/Windows,
 * an XDG autostart entry on Linux, only for packaged builds: a dev build has no stable executable).
 */
export async function applySystemSettings(settings: Settings, log: (line: string) => void): Promise<void> {
  nativeTheme.themeSource = settings.theme;
  const login = loginItemSettings(settings, process.platform);
  if (login) {
    app.setLoginItemSettings(login);
    return;
  }
  if (process.platform !== 'linux' || !app.isPackaged) return;
  const file = join(app.getPath('appData'), 'autostart', 'harbormaster.desktop');
  try {
    if (settings.launchAtLogin) {
      await mkdir(join(app.getPath('appData'), 'autostart'), { recursive: true });
      await writeFile(file, autostartDesktopEntry(process.env['APPIMAGE'] ?? process.execPath), {
        mode: 0o644,
      });
    } else {
      await rm(file, { force: true });
    }
  } catch (e) {
    log(`launch at login could not be changed: ${e instanceof Error ? e.message : 'error'}`);
  }
}
