/**
 * What the page itself can do in browser mode (`harbormaster serve`), where the core runs on
 * another machine or headless: open a tab and show a notification. In Electron the preload's API
 * does both through main (`shell.openExternal`, native notifications), so this is absent there.
 */
export interface PageFaculties {
  /** Opens an http(s) URL (one the core built and verified) in a new tab, without an opener. */
  openUrl(url: string): void;
  /** The browser's Notification API, or null where there is none. */
  readonly notifications: PageNotifications | null;
}

/** The slice of the Notification API the watch uses. */
export interface PageNotifications {
  permission(): 'granted' | 'denied' | 'default';
  request(): Promise<'granted' | 'denied' | 'default'>;
  show(title: string, body: string, onClick?: () => void): void;
}

/**
 * The URL as a page may link or open it: only http(s), no credentials, and exactly as given (its
 * own normalised form), so a link never shows one URL and goes to another. Null otherwise.
 */
export function safePageUrl(url: string | null | undefined): string | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > 2000) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username !== '' || u.password !== '') return null;
  return u.href === url ? url : null;
}

/** The faculties of a real browser window. */
export function browserPage(win: Window): PageFaculties {
  const N = (win as Window & { Notification?: typeof Notification }).Notification;
  return {
    openUrl(url) {
      const safe = safePageUrl(url);
      if (safe === null) return;
      // `noopener`: the new tab gets no handle on this window (and its token-bearing address).
      win.open(safe, '_blank', 'noopener,noreferrer');
    },
    notifications:
      typeof N === 'function'
        ? {
            permission: () => N.permission,
            request: () => N.requestPermission(),
            show(title, body, onClick) {
              if (N.permission !== 'granted') return;
              const n = new N(title, { body });
              if (onClick) {
                n.onclick = () => {
                  win.focus();
                  onClick();
                };
              }
            },
          }
        : null,
  };
}
