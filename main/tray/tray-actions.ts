import { verifyOpenUrl } from '../../app/actions/url.js';
import type { HarbormasterApi } from '../../app/contract/api.js';
import { listenersHeldBy } from '../../app/model/actions.js';
import type { Settings } from '../../app/model/settings.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import type { WindowRoute } from '../../app/model/window-route.js';
import { randomUUID } from 'node:crypto';
import { killConfirmation, needsKillConfirmation } from './kill-confirmation.js';
import type { TrayKills } from './tray-kills.js';
import { remoteKillConfirmation } from './remote-kill-confirmation.js';
import { containerConfirmation, containerOwnership } from './tray-container.js';
import type { TrayAction } from './tray-item.js';

/** What a tray intent may use; Electron pieces (dialog, clipboard, window) come in as functions. */
export interface TrayActionDeps {
  readonly api: Pick<HarbormasterApi, 'open' | 'kill' | 'cancelKill' | 'setPaused' | 'containerAction'>;
  /** The kills that wait for their answer (the menu offers to cancel each); absent: none tracked. */
  readonly kills?: TrayKills;
  /** A fresh id for each kill (`cancelKill` names it); defaults to a random UUID. */
  readonly newKillId?: () => string;
  /** The ssh hosts half (issue 15); absent where no Hosts section is shown. */
  readonly remote?: Pick<HarbormasterApi, 'openRemote' | 'closeForwards' | 'getHost' | 'killRemote'>;
  readonly latest: () => Snapshot | null;
  readonly settings: () => Settings;
  readonly currentUid: number | null;
  readonly platform: NodeJS.Platform;
  readonly now: () => number;
  /** Shows a confirmation dialog; resolves true when the user chose the action button. */
  readonly confirm: (dialog: {
    message: string;
    detail: string;
    buttons: [string, string];
  }) => Promise<boolean>;
  readonly copyText: (text: string) => void;
  readonly showWindow: (route: WindowRoute) => void;
  /** Tells the user how an action ended (a notification). */
  readonly report: (title: string, body: string) => void;
  readonly quit: () => void;
}

/**
 * Carries out one tray intent. Kills re-read the listener from the latest snapshot, ask for
 * confirmation when the settings say so, and report the pipeline's verified outcome; nothing
 * here decides which process or URL is used beyond what the snapshot holds.
 */
export async function runTrayAction(action: TrayAction, deps: TrayActionDeps): Promise<void> {
  switch (action.type) {
    case 'open': {
      const r = await deps.api.open({ listenerId: action.listenerId });
      if (!r.ok) deps.report('Could not open', r.error.message);
      return;
    }
    case 'remote-open': {
      if (!deps.remote) return;
      const r = await deps.remote.openRemote({ alias: action.alias, port: action.port });
      if (!r.ok) deps.report('Could not open', r.error.message);
      else if (r.value.url === null)
        deps.report(
          'Forward open',
          `${r.value.forward.mapping}: it did not answer HTTP(S), so nothing was opened.`,
        );
      return;
    }
    case 'close-forward': {
      if (!deps.remote) return;
      const r = await deps.remote.closeForwards({ id: action.id });
      if (!r.ok) deps.report('Forward not closed', r.error.message);
      return;
    }
    case 'remote-kill':
      if (deps.remote) await remoteKill(action, deps.remote, deps);
      return;
    case 'copy-url': {
      const l = deps.latest()?.listeners.find((x) => x.id === action.listenerId);
      const url = l?.url ? verifyOpenUrl(l.url) : null;
      if (url?.ok) deps.copyText(url.value);
      else deps.report('Nothing to copy', 'That listener has no web address (or is no longer listed).');
      return;
    }
    case 'kill': {
      const l = deps.latest()?.listeners.find((x) => x.id === action.listenerId);
      if (
        !l ||
        l.owner.kind !== 'process' ||
        l.owner.pid !== action.pid ||
        l.owner.startToken !== action.startToken
      ) {
        deps.report('Not killed', 'That process is no longer listed on this port; nothing was signalled.');
        return;
      }
      const settings = deps.settings();
      if (needsKillConfirmation(l, settings, deps.currentUid)) {
        const held = listenersHeldBy(deps.latest()?.listeners ?? [l], l.owner);
        const yes = await deps.confirm(killConfirmation(l, action.mode, deps.now(), deps.platform, held));
        if (!yes) return;
      }
      const killId = (deps.newKillId ?? randomUUID)();
      deps.kills?.start({
        killId,
        who: `${l.owner.name} (pid ${l.owner.pid})`,
        port: l.port,
        mode: action.mode,
      });
      const r = await deps.api
        .kill({
          listenerId: action.listenerId,
          pid: action.pid,
          startToken: action.startToken,
          mode: action.mode,
          killId,
        })
        .finally(() => deps.kills?.end(killId));
      if (r.ok)
        deps.report(
          r.value.outcome === 'freed'
            ? `Port ${r.value.port} is free`
            : r.value.outcome === 'cancelled'
              ? `Kill cancelled (port ${r.value.port})`
              : `Port ${r.value.port}`,
          r.value.message,
        );
      else
        deps.report(
          'Not killed',
          r.error.command ? `${r.error.message}\n${r.error.command}` : r.error.message,
        );
      return;
    }
    case 'cancel-kill': {
      // The kill's own report follows when the core answers (outcome "cancelled", or how it
      // ended if the cancel came too late); here only a cancel the core could not place is told.
      const r = await deps.api.cancelKill({ killId: action.killId });
      deps.kills?.end(action.killId);
      if (!r.ok) deps.report('Could not cancel', r.error.message);
      else if (!r.value.cancelled) deps.report('Nothing to cancel', 'That kill had already finished.');
      return;
    }
    case 'container': {
      const l = deps.latest()?.listeners.find((x) => x.id === action.listenerId);
      const ctr = l ? containerOwnership(l) : null;
      if (!ctr || ctr.kind !== 'known' || ctr.info.id !== action.containerId) {
        deps.report(
          'Not stopped',
          'That container no longer holds this port; nothing was stopped or signalled.',
        );
        return;
      }
      if (deps.settings().confirmBeforeKill) {
        const yes = await deps.confirm(containerConfirmation(ctr.info, action.action, ctr.holder));
        if (!yes) return;
      }
      const r = await deps.api.containerAction({ container: ctr.info.id, action: action.action });
      if (!r.ok) {
        deps.report(
          action.action === 'stop' ? 'Container not stopped' : 'Container not restarted',
          r.error.command ? `${r.error.message}\n${r.error.command}` : r.error.message,
        );
        return;
      }
      const name = r.value.container.name;
      const title =
        r.value.outcome === 'restarted'
          ? `Container ${name} restarted`
          : r.value.outcome === 'freed'
            ? `Container ${name} stopped`
            : `Container ${name}`;
      deps.report(title, r.value.message);
      return;
    }
    case 'details':
      deps.showWindow({ kind: 'focus', listenerId: action.listenerId });
      return;
    case 'lookup':
      deps.showWindow({ kind: 'lookup' });
      return;
    case 'set-paused': {
      const r = await deps.api.setPaused({ paused: action.paused });
      if (!r.ok) deps.report('Could not change scanning', r.error.message);
      return;
    }
    case 'show-window':
      deps.showWindow({ kind: 'list' });
      return;
    case 'quit':
      deps.quit();
      return;
  }
}

/**
 * A remote kill from the tray: the host's current view (peeked, the tray never opens a host) must
 * still show the same holder, the user confirms (always: the menu may be minutes old), then the
 * core re-checks the identity on the remote in the same ssh run as the signal.
 */
async function remoteKill(
  action: Extract<TrayAction, { type: 'remote-kill' }>,
  remote: NonNullable<TrayActionDeps['remote']>,
  deps: TrayActionDeps,
): Promise<void> {
  const view = await remote.getHost({ alias: action.alias, peek: true });
  const listeners = view.ok ? (view.value.listeners ?? []) : [];
  const l = listeners.find(
    (x) =>
      x.port === action.port &&
      x.inode === action.inode &&
      x.holder?.pid === action.pid &&
      x.holder.startTicks === action.startTicks,
  );
  if (!l?.holder || l.holder.uid === null) {
    deps.report('Not killed', `That process is no longer listed on ${action.alias}; nothing was signalled.`);
    return;
  }
  if (!(await deps.confirm(remoteKillConfirmation(action.alias, l, listeners, deps.now())))) return;
  const r = await remote.killRemote({
    alias: action.alias,
    port: action.port,
    pid: action.pid,
    startTicks: action.startTicks,
    uid: l.holder.uid,
    inode: action.inode,
  });
  if (!r.ok) deps.report('Not killed', r.error.message);
  else
    deps.report(
      r.value.outcome.kind === 'freed'
        ? `Port ${action.port} on ${action.alias} is free`
        : r.value.signalled
          ? `Port ${action.port} on ${action.alias}`
          : 'Not killed',
      r.value.command ? `${r.value.message}\n${r.value.command}` : r.value.message,
    );
}
