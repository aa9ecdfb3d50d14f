import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, nativeTheme } from 'electron';
import type { Settings } from '../../app/model/settings.js';
import { launchAtLoginPlan } from '../startup/startup.js';
import { autostartDesktopEntry } from './login-item.js';

/**
 * Glue: applies the settings that live outside the core: theme (`nativeTheme.themeSource`, which
 * the renderer sees as `prefers-color-scheme`) and launch at login (login item on macOS/Windows,
 * an XDG autostart entry on Linux), only for packaged builds on every platform: a dev build would
 * register bare Electron (`launchAtLoginPlan`).
 */
export async function applySystemSettings(settings: Settings, log: (line: string) => void): Promise<void> {
  nativeTheme.themeSource = settings.theme;
  const plan = launchAtLoginPlan(settings, process.platform, app.isPackaged);
  if (plan.kind === 'login-item') {
    // https://www.electronjs.org/docs/latest/api/app#appsetloginitemsettingssettings-macos-windows
    app.setLoginItemSettings({ openAtLogin: plan.openAtLogin, args: [...plan.args] });
    return;
  }
  if (plan.kind !== 'autostart-file') return;
  const file = join(app.getPath('appData'), 'autostart', 'harbormaster.desktop');
  try {
    if (plan.enabled) {
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
