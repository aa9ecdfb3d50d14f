import type { CliCommand } from '../types.js';
import { EXIT_USAGE } from './port-target.js';

const USAGE = `Usage: harbormaster agent --stdio

Speaks the Harbormaster contract on stdin/stdout, one JSON object per line, for another
Harbormaster that reaches this machine over ssh (its Hosts section). The first line out is a
hello (agent protocol, app version, contract version); each line in is a call
{"type":"call","id":N,"method":M,"params":P} of getVersion, getSnapshot, checkHealth or kill,
validated by the contract's schemas; each answer carries the call's id.
It never prompts, writes only to stdout, keeps no history, and ends when stdin closes.
Exit codes: 0 stdin closed; 2 bad usage.`;

/** `harbormaster agent --stdio` (issue 15): the remote half of the agent path. */
export const agentCommand: CliCommand = {
  name: 'agent',
  summary: 'serve the contract on stdin/stdout for a Harbormaster connecting over ssh',
  usage: USAGE,
  async run(args, ctx) {
    if (args.length !== 1 || args[0] !== '--stdio') {
      ctx.stderr(`${USAGE}\n`);
      return EXIT_USAGE;
    }
    const [{ createHarbormasterService }, { serveAgent }] = await Promise.all([
      import('../../service/create-service.js'),
      import('../../remote/agent-protocol.js'),
    ]);
    // A polling core with health probes (the background policy), like the tray's, but one that
    // records nothing: the agent is a view for someone else, not this machine's history.
    const service = await createHarbormasterService({
      face: 'agent',
      history: null,
      autoProbe: true,
      startPolling: true,
      env: ctx.env,
    });
    try {
      await serveAgent({ api: service, write: ctx.stdout, input: process.stdin });
    } finally {
      await service.dispose();
    }
    return 0;
  },
};
