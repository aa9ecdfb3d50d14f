import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { masterAnswers } from './remote-host.js';

// The per-poll master check on real unix sockets (the real master is in host-session.sshd.test.ts
// and remote-hosts-service.sshd.test.ts): only a peer that sends the mux hello counts as alive.
const dirs: string[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const socketPath = () => {
  const d = mkdtempSync(join(tmpdir(), 'hr-mux-'));
  dirs.push(d);
  return join(d, 'cm');
};
const serve = (path: string, onConn: (c: Socket) => void) =>
  new Promise<void>((resolve) => {
    const s = createServer(onConn).listen(path, resolve);
    servers.push(s);
  });

describe('masterAnswers', () => {
  it('is true when the socket answers with a mux hello (length, MUX_MSG_HELLO = 1, version 4)', async () => {
    const path = socketPath();
    await serve(path, (c) => c.write(Buffer.from([0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 4])));
    expect(await masterAnswers(path, 2_000)).toBe(true);
  });

  it('is false for a missing socket, and for a peer that accepts but never says hello (a hung master)', async () => {
    expect(await masterAnswers(socketPath(), 2_000)).toBe(false);
    const path = socketPath();
    await serve(path, () => undefined);
    expect(await masterAnswers(path, 300)).toBe(false);
  });

  it('is false for a peer that sends something else', async () => {
    const path = socketPath();
    await serve(path, (c) => c.end(Buffer.from([0, 0, 0, 8, 0, 0, 0, 9, 0, 0, 0, 4])));
    expect(await masterAnswers(path, 2_000)).toBe(false);
  });
});
