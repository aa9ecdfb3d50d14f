import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, killTracked, spawnNode, waitUntil } from '../actions/test-support/processes.js';

// Issue 16 item 3: `harbormaster kill --force` can be cancelled while it waits. The installed
// command against a real server that ignores SIGTERM: Ctrl+C (SIGINT) after the SIGTERM arrived
// stops the wait, no SIGKILL follows, the report says so, and the exit code is 5 (cancelled).

const bin = fileURLToPath(new URL('../../bin/harbormaster.js', import.meta.url));
const built = fileURLToPath(new URL('../../dist/cli/harbormaster.js', import.meta.url));

/** A TCP server that ignores SIGTERM and says on stdout when one arrived. */
const TERM_IGNORING_SERVER = `
process.on('SIGTERM', () => process.stdout.write('got SIGTERM\\n'));
const s = require('node:net').createServer((c) => c.on('error', () => {}));
s.listen(0, '127.0.0.1', () => process.stdout.write('listening ' + s.address().port + '\\n'));
setInterval(() => {}, 1 << 30);
`;

describe.runIf(process.platform === 'linux')('harbormaster kill --force, cancelled with Ctrl+C', () => {
  afterEach(() => killTracked());

  it('sends no SIGKILL after the cancel, says what was sent, and exits 5', async () => {
    if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` (npm test does) first.');
    const server = spawnNode(TERM_IGNORING_SERVER);
    const port = (await server.waitForLine(/^listening (\d+)$/))[1];
    const cli = spawn(process.execPath, [bin, 'kill', String(port), '--force', '--yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (d: Buffer) => void (stdout += String(d)));
    cli.stderr.on('data', (d: Buffer) => void (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));

    // The SIGTERM arrived and was ignored: the CLI now waits out its grace period before SIGKILL.
    await server.waitForLine(/^got SIGTERM$/, 20_000);
    expect(stderr).toContain('Ctrl+C cancels the wait');
    cli.kill('SIGINT');
    const code = await exited;

    expect(code, `${stdout}\n${stderr}`).toBe(5);
    expect(stderr).toMatch(/Cancelling: nothing more is sent to node \(pid \d+\)/);
    expect(stdout).toMatch(
      new RegExp(
        `Cancelled after SIGTERM: SIGKILL was not sent\\. .*still running; it still holds tcp port ${port}`,
      ),
    );
    // Past the whole grace period the cancelled force would have waited out: still alive.
    expect(await waitUntil(() => !isAlive(server.pid), 5_000)).toBe(false);
    expect(isAlive(server.pid)).toBe(true);
  });
});
