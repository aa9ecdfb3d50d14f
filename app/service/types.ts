import type { HarbormasterApi } from '../contract/api.js';

/** How much attention the app gets: drives the poll rate (and health probing). */
export type Interest = 'active' | 'idle';

/**
 * The core behind every face: `HarbormasterApi` implemented in-process (Electron main's core host,
 * `harbormaster serve`, tests), plus lifecycle controls the faces need but the renderer must not see.
 */
export interface HarbormasterService extends HarbormasterApi {
  /** Active: poll at the settings interval; idle: poll slowly (nobody is looking). */
  setInterest(interest: Interest): void;
  /** Stops the poller and probes, releases sockets. */
  dispose(): Promise<void>;
}
