// What the kill dialog says: a verified kill report, or a refusal by its error code.
import type { HmError } from '../../app/model/errors.js';
import type { KillReport } from '../../app/model/actions.js';
import type { Tone } from './describe.js';
import { cleanText } from './text.js';
import { formatSeconds } from './time.js';

/** What the kill dialog says after the core reported. */
export interface KillResultView {
  readonly headline: string;
  readonly detail: string;
  readonly tone: Tone;
  /** Offer "Force kill" (graceful kill did not end it). */
  readonly offerForce: boolean;
  /** A command to copy (elevated kill). */
  readonly command: string | null;
}

/**
 * Turns a verified KillReport into what the user reads. `root`: Harbormaster already runs as root,
 * so a refusal is never "needs admin" (admin rights would not help: a confined root, an LSM).
 */
export function describeKillReport(report: KillReport, name: string, root = false): KillResultView {
  const port = report.port;
  const who = `${name} (pid ${report.pid})`;
  const held = report.heldBy
    ? `${cleanText(report.heldBy.name) || 'a process'} (pid ${report.heldBy.pid})`
    : 'another process';
  const detail = cleanText(report.message);
  const command = report.command === null ? null : cleanText(report.command);
  switch (report.outcome) {
    case 'freed':
      return {
        headline: `Port ${port} freed in ${formatSeconds(report.elapsedMs)}.`,
        detail,
        tone: 'ok',
        offerForce: false,
        command,
      };
    case 'already-gone':
      return {
        headline: `${who} had already exited.`,
        detail,
        tone: 'info',
        offerForce: false,
        command,
      };
    case 'still-running':
      return {
        headline: `${who} is still running: it ignored ${report.signals.join(', ') || 'the signal'}.`,
        detail,
        tone: 'warn',
        offerForce: true,
        command,
      };
    case 'restarted':
      return {
        headline: `${who} exited, but its supervisor restarted it: port ${port} is held again by ${held}.`,
        detail,
        tone: 'warn',
        offerForce: false,
        command,
      };
    case 'replaced':
      return {
        headline: `${who} exited, but a new process, ${held}, now holds port ${port}.`,
        detail,
        tone: 'warn',
        offerForce: false,
        command,
      };
    case 'still-held':
      return {
        headline: `${who} exited, but port ${port} is still held by ${held}.`,
        detail,
        tone: 'warn',
        offerForce: false,
        command,
      };
    case 'cancelled':
      return {
        headline:
          report.signals.length > 0
            ? `Cancelled after ${report.signals.join(', ')}: nothing more was sent, and ${who} is still running.`
            : `Cancelled: ${who} was not signalled and is still running.`,
        detail,
        tone: 'info',
        offerForce: false,
        command,
      };
    case 'permission-denied':
      return {
        headline: root
          ? `The system refused to signal ${who}, even as root.`
          : `Needs admin: the system refused to signal ${who}.`,
        detail:
          detail ||
          (root
            ? 'This root is confined (a container, a user namespace or a security module), so admin rights would not help.'
            : 'Run the command below in a terminal with administrator rights.'),
        tone: 'bad',
        offerForce: false,
        command,
      };
  }
}

/** Human text for a refused action, by stable error code (`root`: as for describeKillReport). */
export function describeError(error: HmError, root = false): KillResultView {
  const message = cleanText(error.message);
  const command = error.command ? cleanText(error.command) : null;
  const base = { detail: message, tone: 'bad' as Tone, offerForce: false, command };
  switch (error.code) {
    case 'PROTECTED':
      return {
        ...base,
        headline: 'Refused: this process is protected (system-critical, or Harbormaster itself).',
      };
    case 'PROCESS_CHANGED':
      return {
        ...base,
        headline:
          'Refused: the process changed since the list was taken (its pid now belongs to another program). Nothing was signalled.',
      };
    case 'NO_LONGER_HOLDS':
      return {
        ...base,
        headline: 'Refused: that process no longer holds this port. Nothing was signalled.',
      };
    case 'NOT_IN_SNAPSHOT':
      return {
        ...base,
        headline: 'Refused: this listener is no longer in the current list. Nothing was signalled.',
      };
    case 'EPERM':
      // One message whether the OS refused the signal or Harbormaster could not even read the
      // process to re-check it (then nothing was signalled): only an administrator can stop it.
      return {
        ...base,
        headline: root
          ? 'Refused even as root: this process cannot be signalled or read from here.'
          : 'Needs admin: only an administrator can stop this process.',
      };
    case 'ESRCH':
      return { ...base, headline: 'The process had already exited.', tone: 'info' };
    case 'STILL_LISTENING':
      return { ...base, headline: 'The port is still held.', tone: 'warn' };
    default:
      return { ...base, headline: message || 'The action failed.', detail: cleanText(error.hint) };
  }
}
