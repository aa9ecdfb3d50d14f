import { describe, expect, it } from 'vitest';
import { HOSTILE_TEXTS } from '../testing/bad-input.js';
import { formatRecord, parseLog, type LogRecord } from './log-format.js';
import type { HistoryEvent, HistoryOwner } from './types.js';

const owner = (command: string): HistoryOwner => ({
  kind: 'process',
  pid: 4242,
  startToken: '991',
  startedAt: 1_700_000_000_000,
  name: 'node',
  command,
  cwd: '/srv/app',
  project: 'app',
  user: 'dev',
  uid: 1000,
  container: null,
});

const event = (over: Partial<HistoryEvent>): HistoryEvent => ({
  at: 1_764_000_000_123,
  event: 'open',
  protocol: 'tcp',
  family: 4,
  address: '127.0.0.1',
  port: 3000,
  owner: owner('node server.js'),
  face: 'serve',
  ...over,
});

/** What the log wrote before owners' JSON was cached: JSON.stringify of the fields, in order. */
function reference(e: HistoryEvent): string {
  const { at, event: kind, protocol, family, address, port, owner: o, face } = e;
  return JSON.stringify({ at, event: kind, protocol, family, address, port, owner: o, face });
}

describe('formatRecord', () => {
  it('writes exactly what JSON.stringify writes, for hostile text in every string field', () => {
    for (const text of HOSTILE_TEXTS) {
      const shared = owner(text);
      for (const e of [
        event({ address: text, owner: shared }),
        event({ event: 'close', owner: null, family: null, face: text }),
        event({ owner: shared }), // the same owner object again: its cached JSON
      ]) {
        const line = formatRecord(e);
        expect(line).toBe(`${reference(e)}\n`);
        expect(parseLog(line).records).toEqual([e]);
      }
    }
  });

  it('writes a checkpoint whose entries parse back to the open listeners', () => {
    const shared = owner('node -e "require(\'http\').createServer().listen(0)"');
    const open = [
      event({ owner: shared }),
      event({ port: 3001, owner: shared }),
      event({ family: 6, address: '::1' }),
    ];
    const record: LogRecord = { at: 1_764_000_000_999, event: 'state', open };
    const line = formatRecord(record);
    expect(line).toBe(`{"at":1764000000999,"event":"state","open":[${open.map(reference).join(',')}]}\n`);
    expect(parseLog(line).records).toEqual([record]);
  });
});
