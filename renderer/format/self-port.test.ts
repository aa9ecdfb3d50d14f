import { describe, expect, it } from 'vitest';
import { deriveView } from '../store/derive.js';
import { listener, processOwner } from '../../app/testing/fixtures.js';
import { isSelf, selfPortOf } from './self-port.js';
import { summaryText } from './describe.js';

describe("Harbormaster's own serve port", () => {
  it('is the loopback http port the page came from; the Electron window has none', () => {
    expect(selfPortOf({ protocol: 'http:', hostname: '127.0.0.1', port: '47000' })).toBe(47000);
    expect(selfPortOf({ protocol: 'http:', hostname: '[::1]', port: '47000' })).toBe(47000);
    expect(selfPortOf({ protocol: 'file:', hostname: '', port: '' })).toBeNull();
    expect(selfPortOf({ protocol: 'http:', hostname: '192.168.1.5', port: '47000' })).toBeNull();
    expect(isSelf(listener({ port: 47000 }), 47000)).toBe(true);
    expect(isSelf(listener({ port: 47000, address: '0.0.0.0' }), 47000)).toBe(false);
    expect(isSelf(listener({ port: 47000, protocol: 'udp' }), 47000)).toBe(false);
  });

  it('is hidden from "mine" and counted as "hidden (this window)"; System shows it', () => {
    const self = listener({ port: 47000, owner: processOwner({ pid: 5, name: 'node' }) });
    const dev = listener({ port: 3000, owner: processOwner({ pid: 6, name: 'node' }) });
    const base = {
      listeners: [self, dev],
      ghosts: new Map(),
      query: '',
      grouping: 'flat' as const,
      showOtherUsers: false,
      showSystem: false,
      currentUser: 'alice',
      selfPort: 47000,
    };
    const v = deriveView(base);
    expect(v.rowIds).toEqual([dev.id]);
    expect(v.hiddenSelf).toBe(1);
    expect(summaryText({ shown: v.matched, total: 2, ...v })).toBe('1 shown · 1 hidden (this window)');
    expect(deriveView({ ...base, showSystem: true }).rowIds).toEqual([dev.id, self.id]);
  });
});
