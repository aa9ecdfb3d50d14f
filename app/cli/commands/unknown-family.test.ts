import { describe, expect, it } from 'vitest';
import { urlHost } from '../../actions/url.js';
import { probeHost } from '../../health/probe-address.js';
import { listener } from '../../testing/fixtures.js';
import { describeSocket, listenersFor } from './port-target.js';

// Issue 17: a socket whose family the backend could not tell (ss on gVisor prints `*`) is shown
// as such by every face, never as IPv4.
describe('a listener of unknown family', () => {
  const l = listener({ family: null, address: '*', port: 47003 });

  it('prints as tcp? *:47003 in the CLI', () => {
    expect(describeSocket(l)).toBe('tcp? *:47003');
  });

  it('answers a query for either family on its port', () => {
    const q = (host: string) => listenersFor([l], { port: 47003, host });
    expect(q('127.0.0.1')).toEqual([l]);
    expect(q('::1')).toEqual([l]);
  });

  it('gets no made-up URL host and no probe host', () => {
    expect(urlHost(null, '*')).toBeNull();
    expect(probeHost('*', null)).toBeNull();
    expect(probeHost('127.0.0.1', null)).toBe('127.0.0.1');
  });
});
