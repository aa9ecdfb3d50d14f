import { createHistoryRecorder, type HistoryRecorder } from './recorder.js';
import { defaultHistoryDir, openHistoryStore } from './store.js';

/**
 * The recorder every face uses by default: the shared history in the user's data folder.
 * `HARBORMASTER_HISTORY=off` turns recording off; a folder that cannot be made means no history
 * (null), never a failed scan.
 */
export function defaultHistoryRecorder(face: string, env: NodeJS.ProcessEnv): HistoryRecorder | null {
  if (env.HARBORMASTER_HISTORY === 'off') return null;
  try {
    return createHistoryRecorder(openHistoryStore({ dir: defaultHistoryDir(env) }), face);
  } catch {
    return null;
  }
}
