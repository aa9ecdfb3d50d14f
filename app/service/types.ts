import type { ContainerActionReport } from '../containers/actions.js';
import type { HarbormasterApi } from '../contract/api.js';
import type { Result } from '../model/errors.js';

/** How much attention the app gets: drives the poll rate (and health probing). */
export type Interest = 'active' | 'idle';

/**
 * The core behind every face: `HarbormasterApi` implemented in-process (Electron main's core host,
 * `harbormaster serve`, tests), plus lifecycle controls the faces need but the renderer must not see.
 */
export interface HarbormasterService extends HarbormasterApi {
  /** Active: poll at the settings interval; idle: poll slowly (nobody is looking). */
  setInterest(interest: Interest): void;
  /**
   * Stops or restarts a running container (by name, id or id prefix) through the Engine API and
   * verifies its ports. Not on the renderer's API: the faces reach it through `kill` routing.
   */
  containerAction?(request: {
    readonly container: string;
    readonly action: 'stop' | 'restart';
  }): Promise<Result<ContainerActionReport>>;
  /** Stops the poller and probes, releases sockets. */
  dispose(): Promise<void>;
}
