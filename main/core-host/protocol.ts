import { isInvokeMethod, type InvokeMethod } from '../../app/contract/methods.js';
import type { HmError } from '../../app/model/errors.js';
import type { Settings } from '../../app/model/settings.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import type { Interest } from '../../app/service/types.js';

/**
 * The message protocol between Electron main and the core host (a `utilityProcess` running the
 * poller, scanners, probes and kill pipeline off the UI thread). Messages are structured-cloned
 * plain data; both ends check shapes with the guards below.
 */
export type ToCore =
  | {
      readonly type: 'init';
      readonly settings: Settings;
      /** Pids the kill pipeline must refuse besides its own ancestors (Electron main, renderers). */
      readonly protectedPids: readonly number[];
    }
  | { readonly type: 'call'; readonly id: number; readonly method: InvokeMethod; readonly arg: unknown }
  | { readonly type: 'interest'; readonly interest: Interest }
  | { readonly type: 'protect'; readonly pids: readonly number[] }
  | { readonly type: 'opened'; readonly id: number; readonly error: HmError | null }
  | { readonly type: 'dispose' };

/** Messages from the core host to main. */
export type FromCore =
  | { readonly type: 'ready' }
  | { readonly type: 'init-failed'; readonly error: HmError }
  | { readonly type: 'result'; readonly id: number; readonly value: unknown }
  | { readonly type: 'call-failed'; readonly id: number; readonly error: HmError }
  | { readonly type: 'snapshot'; readonly snapshot: Snapshot }
  | { readonly type: 'settings'; readonly settings: Settings }
  /** The core asks main to open a URL it built (main re-verifies it, then `shell.openExternal`). */
  | { readonly type: 'open-url'; readonly id: number; readonly url: string }
  | { readonly type: 'disposed' };

/** A message endpoint: Electron's parentPort/UtilityProcess, or a Node MessagePort in tests. */
export interface MessageEndpoint<Out, In> {
  post(message: Out): void;
  /** Subscribes to incoming messages; returns an unsubscribe function. */
  onMessage(listener: (message: In) => void): () => void;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isPids = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length <= 4096 && v.every((p) => Number.isSafeInteger(p) && (p as number) > 0);

/** Checks a message arriving at the core host; anything malformed is dropped (null). */
export function parseToCore(raw: unknown): ToCore | null {
  if (!isRecord(raw)) return null;
  switch (raw['type']) {
    case 'init':
      return isRecord(raw['settings']) && isPids(raw['protectedPids']) ? (raw as unknown as ToCore) : null;
    case 'call':
      return isId(raw['id']) && isInvokeMethod(raw['method']) ? (raw as unknown as ToCore) : null;
    case 'interest':
      return raw['interest'] === 'active' || raw['interest'] === 'idle' ? (raw as unknown as ToCore) : null;
    case 'protect':
      return isPids(raw['pids']) ? (raw as unknown as ToCore) : null;
    case 'opened':
      return isId(raw['id']) && (raw['error'] === null || isRecord(raw['error']))
        ? (raw as unknown as ToCore)
        : null;
    case 'dispose':
      return { type: 'dispose' };
    default:
      return null;
  }
}

/** Checks a message arriving at main from the core host; anything malformed is dropped (null). */
export function parseFromCore(raw: unknown): FromCore | null {
  if (!isRecord(raw)) return null;
  switch (raw['type']) {
    case 'ready':
    case 'disposed':
      return { type: raw['type'] };
    case 'init-failed':
      return isRecord(raw['error']) ? (raw as unknown as FromCore) : null;
    case 'result':
      return isId(raw['id']) ? (raw as unknown as FromCore) : null;
    case 'call-failed':
      return isId(raw['id']) && isRecord(raw['error']) ? (raw as unknown as FromCore) : null;
    case 'snapshot':
      return isRecord(raw['snapshot']) && Array.isArray(raw['snapshot']['listeners'])
        ? (raw as unknown as FromCore)
        : null;
    case 'settings':
      return isRecord(raw['settings']) ? (raw as unknown as FromCore) : null;
    case 'open-url':
      return isId(raw['id']) && typeof raw['url'] === 'string' && raw['url'].length <= 2048
        ? (raw as unknown as FromCore)
        : null;
    default:
      return null;
  }
}
