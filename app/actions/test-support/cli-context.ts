import type { CliContext } from '../../cli/types.js';
import type { HarbormasterService } from '../../service/types.js';

/** A CLI context that records output, answers prompts from a script, and counts service creation. */
export function testContext(
  options: {
    service?: () => HarbormasterService;
    /** Answers for successive prompts; null makes the context non-interactive. */
    answers?: string[] | null;
    env?: NodeJS.ProcessEnv;
  } = {},
) {
  let stdout = '';
  let stderr = '';
  let services = 0;
  const prompts: string[] = [];
  const answers = options.answers === undefined ? [] : options.answers;
  const ctx: CliContext = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    prompt:
      answers === null
        ? null
        : async (question) => {
            prompts.push(question);
            return answers.shift() ?? '';
          },
    service: async () => {
      services += 1;
      if (!options.service) throw new Error('this command must not need the core');
      return options.service();
    },
    env: options.env ?? {},
  };
  return {
    ctx,
    stdout: () => stdout,
    stderr: () => stderr,
    prompts,
    services: () => services,
  };
}
