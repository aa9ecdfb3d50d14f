import { createContext, useContext } from 'react';
import type { InvokeApi } from '../../app/contract/methods.js';
import type { PageFaculties } from '../api/browser-page.js';

/** What the Hosts section needs: the contract's methods and, in browser mode, the page's opener. */
export interface HostsDeps {
  readonly api: Pick<
    InvokeApi,
    | 'listHosts'
    | 'getHost'
    | 'collapseHost'
    | 'openRemote'
    | 'listForwards'
    | 'closeForwards'
    | 'killRemote'
    | 'beginTrust'
    | 'answerTrust'
  >;
  /** Browser mode: the page opens the forward's URL itself; null in Electron (main opens it). */
  readonly page: PageFaculties | null;
  /** How often an opened host's view and the forwards are re-read (ms). */
  readonly refreshMs?: number;
}

/** Absent (tests of the rest of the window): the Hosts section renders nothing. */
export const HostsContext = createContext<HostsDeps | null>(null);

/** The Hosts section's dependencies, or null when the window was built without them. */
export function useHostsDeps(): HostsDeps | null {
  return useContext(HostsContext);
}
