import { isInvokeMethod, type ArgOf, type InvokeMethod } from '../../app/contract/methods.js';
import { parseRequest } from '../../app/contract/schemas.js';
import { err, type Result } from '../../app/model/errors.js';
import { APP_HOST, APP_SCHEME } from '../protocol/bundle-path.js';

/** The parts of an `IpcMainInvokeEvent` the sender check needs (`event.senderFrame` may be null). */
export interface IpcSender {
  /** `event.sender.id`. */
  readonly senderId: number;
  /** `event.senderFrame`: null once the frame navigated or was destroyed. */
  readonly frame: { readonly url: string; readonly parent: unknown } | null;
}

/** Strings that look like URLs or OS handler schemes: never accepted where an id is expected. */
const URL_LIKE = /:\/\/|^\s*(?:https?|file|javascript|data|vbscript|blob|ftp|smb|mailto|ms-[a-z-]+):/i;
const ID_FIELDS = ['listenerId', 'startToken'] as const;

/**
 * Checks who sent an IPC call and what it says, before anything reaches the core:
 * the frame must still exist, belong to a window we created, be its main frame and show our own
 * `app://bundle` page (Electron security checklist #17); the method must be a contract method;
 * the payload must parse with the shared strict schema (unknown keys, `__proto__`, bad ports and
 * pids rejected); and id fields must not be URLs (`open` takes a listener id, never a URL).
 */
export function validateIpcCall<M extends InvokeMethod>(
  sender: IpcSender,
  trustedSenderIds: ReadonlySet<number>,
  method: M,
  args: readonly unknown[],
): Result<ArgOf<M>> {
  const who = checkSender(sender, trustedSenderIds);
  if (who) return err('INVALID_REQUEST', who);
  if (!isInvokeMethod(method)) return err('INVALID_REQUEST', 'Unknown method.');
  if (args.length > 1) return err('INVALID_REQUEST', `Invalid request for ${method}: one argument at most.`);
  const parsed = parseRequest(method, args[0]);
  if (!parsed.ok) return parsed;
  const payload = parsed.value as unknown;
  if (typeof payload === 'object' && payload !== null) {
    for (const field of ID_FIELDS) {
      const value = (payload as Record<string, unknown>)[field];
      if (typeof value === 'string' && URL_LIKE.test(value)) {
        return err('INVALID_REQUEST', `Invalid request for ${method}: ${field} must be an id, not a URL.`);
      }
    }
  }
  return parsed;
}

/** Why a sender is untrusted, or null when it is our own window's main frame. */
export function checkSender(sender: IpcSender, trustedSenderIds: ReadonlySet<number>): string | null {
  const frame = sender.frame;
  if (frame === null) return 'Untrusted sender: the frame is gone.';
  if (!trustedSenderIds.has(sender.senderId)) return 'Untrusted sender: not a Harbormaster window.';
  if (frame.parent !== null) return 'Untrusted sender: not the main frame.';
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return 'Untrusted sender: unreadable frame URL.';
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST)
    return 'Untrusted sender: not the app bundle.';
  return null;
}
