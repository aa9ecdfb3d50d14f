import { describe, expect, it } from 'vitest';
import { testContext } from '../../actions/test-support/cli-context.js';
import { BAD_PORT_QUERIES } from '../../testing/bad-input.js';
import { checkCommand } from './check.js';
import { freeCommand } from './free.js';
import { killCommand } from './kill.js';
import { openCommand } from './open.js';

const BAD_PORTS = BAD_PORT_QUERIES;

describe.each([killCommand, openCommand, freeCommand, checkCommand])(
  'harbormaster $name with bad input',
  (command) => {
    it.each(BAD_PORTS)(
      'rejects port %j with exit 2 and the valid range, before creating the core',
      async (port) => {
        const t = testContext();
        const code = await command.run(command.name === 'kill' ? [port, '--yes'] : [port], t.ctx);
        expect(code).toBe(2);
        expect(t.stderr()).toContain('1–65535');
        expect(t.services()).toBe(0);
      },
    );

    it('reports a bad port as JSON with --json', async () => {
      const t = testContext();
      const code = await command.run(
        ['0x50', '--json', ...(command.name === 'kill' ? ['--yes'] : [])],
        t.ctx,
      );
      expect(code).toBe(2);
      expect(JSON.parse(t.stdout())).toMatchObject({ error: { code: 'INVALID_PORT' } });
    });

    it('rejects missing or extra ports, unknown options and hostnames', async () => {
      for (const args of [[], ['3000', '3001'], ['3000', '--bogus'], ['example.com:3000'], ['3000', '-x']]) {
        const t = testContext();
        expect(await command.run(args, t.ctx), args.join(' ')).toBe(2);
        expect(t.services()).toBe(0);
      }
    });
  },
);
