import type { Settings } from '../../../app/model/settings.js';
import { curlCommand } from '../../../app/model/commands.js';
import { safePageUrl } from '../../api/browser-page.js';
import { pinPort, unpinPort } from '../../../app/model/pins.js';
import { cleanText } from '../../format/text.js';
import { describeOwner } from '../../format/describe.js';
import type { AppActions } from '../app-store.js';
import { copyToClipboard } from '../clipboard.js';
import type { FlowContext } from './context.js';

type ListenerActions = Pick<
  AppActions,
  | 'setShowOtherUsers'
  | 'setShowSystem'
  | 'open'
  | 'copy'
  | 'copyText'
  | 'checkHealth'
  | 'toggleWatch'
  | 'toggleWatchProject'
  | 'setPin'
  | 'saveHosts'
  | 'setPaused'
>;

/** What the user does to a listener or the scan (open, copy, check, watch, pause) and settings. */
export function createListenerActions(ctx: FlowContext): ListenerActions {
  /**
   * Says a watch was started or stopped. Browser mode notifies through the page: permission is
   * asked once, when the user first watches something (a port or a project).
   */
  function toggledWatch(what: string, on: boolean): void {
    const n = ctx.page?.notifications;
    if (n && on && n.permission() === 'default') {
      n.request().then(
        (answer) => {
          if (answer === 'denied')
            ctx.toast(`Watching ${what}; notifications are blocked by the browser.`, 'info');
        },
        () => undefined,
      );
    }
    ctx.toast(on ? `Watching ${what}` : `Stopped watching ${what}`, 'info');
  }

  function updateSettings(patch: Partial<Settings>): void {
    // Optimistic: the toggle moves at once; the core's answer (or an error) settles it.
    const before = ctx.store.getState().settings;
    ctx.store.setState({ settings: { ...before, ...patch } });
    ctx.api.updateSettings(patch).then(
      (r) => {
        if (r.ok) ctx.store.setState({ settings: r.value });
        else {
          ctx.store.setState({ settings: before });
          ctx.toast(cleanText(r.error.message), 'bad');
        }
      },
      () => {
        ctx.store.setState({ settings: before });
        ctx.toast('Settings were not saved: connection lost.', 'bad');
      },
    );
  }

  return {
    setShowOtherUsers(show) {
      updateSettings({ showOtherUsers: show });
    },
    setShowSystem(show) {
      updateSettings({ showSystem: show });
    },
    open(id, openOptions = {}) {
      const l = ctx.listenerById(id);
      if (!l) return;
      if (l.url === null) {
        ctx.toast(`Nothing to open: port ${l.port} does not look like a web server.`, 'info');
        return;
      }
      const anyway = openOptions.anyway === true;
      // Browser mode: the core verifies and answers the URL, the page opens the tab (issue 16
      // item 1: `xdg-open` on a headless serve machine opens nothing the user can see).
      const page = ctx.page;
      ctx.api
        .open({ listenerId: id, ...(anyway ? { anyway } : {}), ...(page ? { launch: false } : {}) })
        .then(
          (r) => {
            if (r.ok && page) {
              const url = safePageUrl(r.value.url);
              if (url === null) ctx.toast('Not opened: the core answered a URL a page must not open.', 'bad');
              else {
                page.openUrl(url);
                ctx.toast(`Opened ${cleanText(url)} in a new tab`, 'ok');
              }
            } else if (r.ok) ctx.toast(`Opened ${cleanText(r.value.url)}`, 'ok');
            else if (r.error.code === 'NOT_HTTP') {
              // The core said what the service answered; the user may still know better.
              ctx.toast(cleanText(r.error.message), 'bad', {
                label: 'Open anyway',
                run: () => ctx.actions().open(id, { anyway: true }),
              });
            } else ctx.toast(cleanText(r.error.message), 'bad');
          },
          () => ctx.toast('Could not open: connection lost.', 'bad'),
        );
    },
    copy(id, what) {
      const l = ctx.listenerById(id);
      if (!l) return;
      if (what === 'pid') {
        const pid = l.owner.pid;
        if (pid === null)
          ctx.toast(
            `The pid is unknown: ${describeOwner(l.owner, ctx.store.getState().viewer).name}.`,
            'info',
          );
        else ctx.actions().copyText(String(pid), `pid ${pid}`);
        return;
      }
      if (l.url === null) {
        ctx.toast(`No URL: port ${l.port} does not look like a web server.`, 'info');
        return;
      }
      const url = cleanText(l.url);
      if (what === 'url') ctx.actions().copyText(url, url);
      else ctx.actions().copyText(curlCommand(url, l.health) ?? url, 'the curl command');
    },
    copyText(text, label) {
      copyToClipboard(text).then(
        (okCopy) =>
          ctx.toast(
            okCopy ? `Copied ${label}` : 'Copy failed: the clipboard is not available.',
            okCopy ? 'ok' : 'bad',
          ),
        () => ctx.toast('Copy failed: the clipboard is not available.', 'bad'),
      );
    },
    checkHealth(id) {
      const l = ctx.listenerById(id);
      if (!l) return;
      // The answer shows through the snapshot the core pushes before it replies; only errors are ours.
      ctx.api.checkHealth({ listenerId: id }).then(
        (r) => {
          if (!r.ok) ctx.toast(cleanText(r.error.message), 'bad');
        },
        () => ctx.toast('Health check failed: connection lost.', 'bad'),
      );
    },
    toggleWatch(port) {
      const watched = ctx.store.getState().settings.watchedPorts;
      const next = watched.includes(port)
        ? watched.filter((p) => p !== port)
        : [...watched, port].sort((a, b) => a - b);
      updateSettings({ watchedPorts: next });
      toggledWatch(`port ${port}`, !watched.includes(port));
    },
    toggleWatchProject(project) {
      const watched = ctx.store.getState().settings.watchedProjects;
      const on = !watched.includes(project);
      updateSettings({ watchedProjects: on ? [...watched, project] : watched.filter((p) => p !== project) });
      toggledWatch(`project ${cleanText(project)}`, on);
    },
    setPin(port, pinned, label) {
      const pins = ctx.store.getState().settings.pins;
      const was = pins.some((p) => p.port === port);
      updateSettings({ pins: pinned ? pinPort(pins, port, label) : unpinPort(pins, port) });
      if (pinned !== was) ctx.toast(pinned ? `Pinned port ${port}` : `Unpinned port ${port}`, 'info');
    },
    saveHosts(hosts, pinnedHosts) {
      // Not optimistic: the Hosts section re-reads the host list after the core answered.
      return ctx.api
        .updateSettings({ hosts, pinnedHosts })
        .then((r) => (r.ok ? null : cleanText(r.error.message)));
    },
    setPaused(paused) {
      if (ctx.store.getState().pausePending) return;
      ctx.store.setState({ pausePending: true });
      ctx.api.setPaused({ paused }).then(
        (r) => {
          if (ctx.disposed()) return;
          // The header follows snapshot.paused: the core pushes that snapshot before it replies.
          if (r.ok) ctx.store.setState({ pausePending: false });
          else {
            ctx.store.setState({ pausePending: false });
            ctx.toast(cleanText(r.error.message), 'bad');
          }
        },
        () => {
          if (ctx.disposed()) return;
          ctx.store.setState({ pausePending: false });
          ctx.toast(`Could not ${paused ? 'pause' : 'resume'} scanning: connection lost.`, 'bad');
        },
      );
    },
  };
}
