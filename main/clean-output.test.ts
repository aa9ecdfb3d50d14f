import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../app/model/diff.js';
import { HOSTILE_TEXTS, unsafeCodePoints } from '../app/testing/bad-input.js';
import { cleanNotification } from './clean-output.js';
import { notificationsFor } from './notifications/notifications-for.js';
import { listener, processOwner, settingsWith, snapshot } from '../app/testing/fixtures.js';
import { killConfirmation } from './tray/kill-confirmation.js';
import { MAX_TOOLTIP, trayTooltip } from './tray/tray-icon.js';
import { buildTrayMenu } from './tray/tray-menu.js';
import { type TrayMenuItem } from './tray/tray-item.js';

// Issue 9 item 3: the pure builders of every native surface, fed a process whose name, argv, cwd,
// user, exe and project carry each hostile text of the catalogue.
function hostileListener(text: string, port = 3000) {
  return listener({
    port: port,
    owner: processOwner({
      pid: 777,
      name: text,
      command: `${text} --flag ${text}`,
      exe: `/opt/${text}`,
      user: text,
      cwd: `/home/${text}`,
      project: { name: text, root: `/home/${text}`, kind: 'node' },
    }),
  });
}

function labels(items: readonly TrayMenuItem[]): string[] {
  return items.flatMap((i) => [i.label ?? '', i.toolTip ?? '', ...labels(i.submenu ?? [])]);
}

const cases = HOSTILE_TEXTS.map((t) => [JSON.stringify(t.slice(0, 32)), t] as const);

describe.each(['linux', 'darwin', 'win32'] as const)('native surfaces on %s', (platform) => {
  it.each(cases)('tray labels and tooltip stay clean for %s', (_label, text) => {
    const l = hostileListener(text);
    const settings = settingsWith({ watchedProjects: [text] });
    const menu = buildTrayMenu({
      snapshot: snapshot([l]),
      paused: false,
      settings,
      currentUid: 1000,
      platform,
    });
    for (const label of labels(menu)) {
      expect(unsafeCodePoints(label, false)).toEqual([]);
      expect(label.length).toBeLessThanOrEqual(200);
    }
    // A watched project that went down is named in the tooltip.
    const tooltip = trayTooltip(snapshot([]), settings, false);
    expect(unsafeCodePoints(tooltip)).toEqual([]);
    expect(tooltip.length).toBeLessThanOrEqual(MAX_TOOLTIP);
  });

  it.each(cases)('notifications stay clean for %s', (_label, text) => {
    const l = hostileListener(text);
    const settings = settingsWith({
      watchedProjects: [text],
      watchedPorts: [3000],
      notifyNewListeners: true,
    });
    const first = snapshot([], { seq: 1 });
    const up = snapshot([l], { seq: 2 });
    const down = snapshot([], { seq: 3 });
    const a = notificationsFor({
      diff: diffSnapshots(null, first),
      snapshot: first,
      settings,
      previous: null,
      platform,
    });
    const b = notificationsFor({
      diff: diffSnapshots(first, up),
      snapshot: up,
      settings,
      previous: a.watched,
      platform,
    });
    const c = notificationsFor({
      diff: diffSnapshots(up, down),
      snapshot: down,
      settings,
      previous: b.watched,
      platform,
    });
    const all = [...b.notifications, ...c.notifications];
    expect(all.length).toBeGreaterThan(0);
    for (const n of [...all, cleanNotification({ title: `Port 3000 ${text}`, body: `Stopped ${text}` })]) {
      expect(unsafeCodePoints(n.title, false)).toEqual([]);
      expect(unsafeCodePoints(n.body)).toEqual([]);
      expect(n.title.length).toBeLessThanOrEqual(100);
      expect(n.body.length).toBeLessThanOrEqual(400);
    }
  });

  it.each(cases)('the kill dialog stays clean for %s', (_label, text) => {
    for (const mode of ['graceful', 'force'] as const) {
      const d = killConfirmation(hostileListener(text), mode, Date.now(), platform);
      expect(unsafeCodePoints(d.message, false)).toEqual([]);
      expect(unsafeCodePoints(d.detail)).toEqual([]);
      expect(d.detail.length).toBeLessThanOrEqual(2000);
    }
  });
});
