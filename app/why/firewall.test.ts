import { describe, expect, it } from 'vitest';
import { blockingRules } from './firewall.js';

// `nft -j list ruleset` of a real ruleset (nftables 1.0.6), written with `nft -f`.
const LISTING = {
  nftables: [
    { metainfo: { version: '1.0.6', json_schema_version: 1 } },
    { table: { family: 'inet', name: 'why_fw', handle: 1 } },
    {
      chain: {
        family: 'inet',
        table: 'why_fw',
        name: 'input',
        handle: 1,
        type: 'filter',
        hook: 'input',
        prio: 0,
        policy: 'accept',
      },
    },
    {
      rule: {
        family: 'inet',
        table: 'why_fw',
        chain: 'input',
        handle: 2,
        expr: [
          { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 4444 } },
          { drop: null },
        ],
      },
    },
    {
      rule: {
        family: 'inet',
        table: 'why_fw',
        chain: 'input',
        handle: 4,
        expr: [
          {
            match: {
              op: '==',
              left: { payload: { protocol: 'tcp', field: 'dport' } },
              right: { set: [5555, 6666] },
            },
          },
          { reject: { type: 'icmpx', expr: 'port-unreachable' } },
        ],
      },
    },
    {
      rule: {
        family: 'inet',
        table: 'why_fw',
        chain: 'input',
        handle: 5,
        expr: [
          { match: { op: '==', left: { meta: { key: 'iifname' } }, right: 'lo' } },
          {
            match: {
              op: '==',
              left: { payload: { protocol: 'tcp', field: 'dport' } },
              right: { range: [7000, 7100] },
            },
          },
          { counter: { packets: 0, bytes: 0 } },
          { reject: { type: 'tcp reset' } },
        ],
      },
    },
    {
      rule: {
        family: 'inet',
        table: 'why_fw',
        chain: 'input',
        handle: 6,
        expr: [
          { match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '10.0.0.9' } },
          { drop: null },
        ],
      },
    },
  ],
};
const flow = (port: number) => ({ protocol: 'tcp' as const, port, address: '127.0.0.1', family: 4 as const });

describe('firewall rules that block a port', () => {
  it('names the table, chain and rule that drops the port', () => {
    expect(blockingRules(LISTING, flow(4444))).toEqual([
      {
        family: 'inet',
        table: 'why_fw',
        chain: 'input',
        handle: 2,
        verdict: 'drop',
        text: 'tcp dport 4444 drop',
      },
    ]);
  });
  it('finds the port in a set and in a range, with the reject type', () => {
    expect(blockingRules(LISTING, flow(6666))[0]).toMatchObject({
      handle: 4,
      verdict: 'reject',
      text: 'tcp dport { 5555, 6666 } reject',
    });
    expect(blockingRules(LISTING, flow(7050))[0]).toMatchObject({
      handle: 5,
      text: 'iifname "lo" tcp dport 7000-7100 counter reject with tcp reset',
    });
  });
  it('never guesses: a rule for another source address or port is not reported', () => {
    expect(blockingRules(LISTING, flow(8080))).toEqual([]);
    expect(blockingRules(LISTING, { ...flow(4444), protocol: 'udp' })).toEqual([]);
  });
});
