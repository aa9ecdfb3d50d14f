import { existsSync } from 'node:fs';
import { runTool } from '../scan/run-tool.js';

/** A firewall rule that drops or rejects the traffic in question, named so the user can find it. */
export interface FirewallRule {
  readonly family: string;
  readonly table: string;
  readonly chain: string;
  readonly handle: number | null;
  readonly verdict: 'drop' | 'reject';
  /** The rule in nft syntax (rebuilt from the JSON listing), or the chain policy. */
  readonly text: string;
}

/** What the firewall check found. */
export type FirewallFacts =
  | { readonly status: 'read'; readonly tool: 'nft'; readonly rules: readonly FirewallRule[] }
  | { readonly status: 'unreadable'; readonly tool: 'nft'; readonly message: string }
  | { readonly status: 'unavailable'; readonly message: string };

/** The connection whose packets the rules are checked against (loopback traffic to a port). */
export interface Flow {
  readonly protocol: 'tcp' | 'udp';
  readonly port: number;
  /** The destination address (also the source, on loopback). */
  readonly address: string;
  readonly family: 4 | 6;
}

const NFT_PATHS = ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft'];

type Json = Record<string, unknown>;

function v4ToInt(a: string): number | null {
  const p = a.split('.').map(Number);
  if (p.length !== 4 || p.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return null;
  return (((p[0] ?? 0) << 24) | ((p[1] ?? 0) << 16) | ((p[2] ?? 0) << 8) | (p[3] ?? 0)) >>> 0;
}

/** True / false when the right-hand side of a match is known to contain the value; null when unknown. */
function contains(right: unknown, value: number | string): boolean | null {
  if (typeof right === 'number' || typeof right === 'string') {
    if (
      typeof value === 'string' &&
      typeof right === 'string' &&
      value.includes('.') &&
      right.includes('.')
    ) {
      return v4ToInt(right) === v4ToInt(value);
    }
    return right === value;
  }
  if (typeof right !== 'object' || right === null) return null;
  const r = right as Json;
  if (Array.isArray(r.set)) {
    let unknown = false;
    for (const item of r.set as unknown[]) {
      const c = contains(item, value);
      if (c === true) return true;
      if (c === null) unknown = true;
    }
    return unknown ? null : false;
  }
  if (Array.isArray(r.range) && typeof value === 'number') {
    const [lo, hi] = r.range as unknown[];
    return typeof lo === 'number' && typeof hi === 'number' ? value >= lo && value <= hi : null;
  }
  const prefix = r.prefix as Json | undefined;
  if (
    prefix &&
    typeof prefix.addr === 'string' &&
    typeof prefix.len === 'number' &&
    typeof value === 'string'
  ) {
    const net = v4ToInt(prefix.addr);
    const ip = v4ToInt(value);
    if (net === null || ip === null) return null;
    const mask = prefix.len === 0 ? 0 : (0xffffffff << (32 - prefix.len)) >>> 0;
    return (net & mask) === (ip & mask);
  }
  return null;
}

/** Evaluates one `match` expression for the flow: true, false, or null when it cannot be known. */
function matchHolds(m: Json, flow: Flow): boolean | null {
  const op = typeof m.op === 'string' ? m.op : '==';
  const left = (m.left ?? {}) as Json;
  let result: boolean | null = null;
  const payload = left.payload as Json | undefined;
  const meta = left.meta as Json | undefined;
  if (payload && (payload.field === 'dport' || payload.field === 'sport')) {
    if (payload.protocol !== flow.protocol && payload.protocol !== 'th') return false;
    result = payload.field === 'dport' ? contains(m.right, flow.port) : null;
  } else if (payload && (payload.field === 'daddr' || payload.field === 'saddr')) {
    const proto = payload.protocol === 'ip6' ? 6 : payload.protocol === 'ip' ? 4 : null;
    if (proto !== null && proto !== flow.family) return false;
    result = contains(m.right, flow.address);
  } else if (
    meta &&
    (meta.key === 'iifname' || meta.key === 'oifname' || meta.key === 'iif' || meta.key === 'oif')
  ) {
    result = contains(m.right, 'lo');
  } else if (meta && meta.key === 'l4proto') {
    result = contains(m.right, flow.protocol);
  } else if (meta && meta.key === 'nfproto') {
    result = contains(m.right, flow.family === 4 ? 'ipv4' : 'ipv6');
  }
  if (result === null) return null;
  return op === '!=' ? !result : op === '==' || op === 'in' ? result : null;
}

function render(expr: readonly Json[]): string {
  const parts: string[] = [];
  for (const e of expr) {
    const m = e.match as Json | undefined;
    if (m) {
      const left = (m.left ?? {}) as Json;
      const payload = left.payload as Json | undefined;
      const meta = left.meta as Json | undefined;
      const l = payload
        ? `${String(payload.protocol)} ${String(payload.field)}`
        : meta
          ? String(meta.key)
          : JSON.stringify(left);
      const op = m.op === '==' || m.op === 'in' ? '' : `${String(m.op)} `;
      parts.push(`${l} ${op}${renderValue(m.right)}`);
    } else if ('drop' in e) parts.push('drop');
    else if ('reject' in e) {
      const r = e.reject as Json | null;
      parts.push(r && typeof r.type === 'string' && r.type !== 'icmpx' ? `reject with ${r.type}` : 'reject');
    } else if ('counter' in e) parts.push('counter');
    else parts.push(Object.keys(e)[0] ?? '?');
  }
  return parts.join(' ');
}

function renderValue(v: unknown): string {
  if (typeof v === 'string')
    return /^[\w.:/-]+$/.test(v) ? (/^[a-z]/.test(v) && !v.includes('.') ? `"${v}"` : v) : JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  const r = (v ?? {}) as Json;
  if (Array.isArray(r.set)) return `{ ${(r.set as unknown[]).map(renderValue).join(', ')} }`;
  if (Array.isArray(r.range)) return (r.range as unknown[]).map(renderValue).join('-');
  const p = r.prefix as Json | undefined;
  if (p) return `${String(p.addr)}/${String(p.len)}`;
  return JSON.stringify(v);
}

/**
 * Finds the rules in an `nft -j list ruleset` listing that certainly drop or reject the flow:
 * every condition of the rule is known to hold for it (port, protocol, loopback interface, address).
 * A rule with a condition that cannot be evaluated here is not reported — never a guess. Base
 * chains on the input/output hooks whose policy is drop are reported as such.
 */
export function blockingRules(listing: unknown, flow: Flow): FirewallRule[] {
  const items = ((listing as Json | null)?.nftables ?? []) as Json[];
  const out: FirewallRule[] = [];
  for (const item of items) {
    const chain = item.chain as Json | undefined;
    if (chain && chain.policy === 'drop' && (chain.hook === 'input' || chain.hook === 'output')) {
      out.push({
        family: String(chain.family),
        table: String(chain.table),
        chain: String(chain.name),
        handle: null,
        verdict: 'drop',
        text: `policy drop (hook ${String(chain.hook)}): packets no rule accepts are dropped`,
      });
    }
    const rule = item.rule as Json | undefined;
    if (!rule || !Array.isArray(rule.expr)) continue;
    const family = String(rule.family);
    if ((family === 'ip' && flow.family !== 4) || (family === 'ip6' && flow.family !== 6)) continue;
    if (family !== 'ip' && family !== 'ip6' && family !== 'inet') continue;
    const expr = rule.expr as Json[];
    const verdict = expr.some((e) => 'drop' in e)
      ? 'drop'
      : expr.some((e) => 'reject' in e)
        ? 'reject'
        : null;
    if (verdict === null) continue;
    let certain = true;
    for (const e of expr) {
      if (!e.match) continue;
      if (matchHolds(e.match as Json, flow) !== true) certain = false;
    }
    if (!certain) continue;
    out.push({
      family,
      table: String(rule.table),
      chain: String(rule.chain),
      handle: typeof rule.handle === 'number' ? rule.handle : null,
      verdict,
      text: render(expr),
    });
  }
  return out;
}

/** Reads the nftables ruleset and finds the rules that block the flow. Never throws. */
export async function readFirewall(flow: Flow): Promise<FirewallFacts> {
  const nft = NFT_PATHS.find((p) => existsSync(p));
  if (!nft)
    return { status: 'unavailable', message: 'nft is not installed: nftables rules were not checked.' };
  const r = await runTool(nft, ['-j', 'list', 'ruleset'], { timeoutMs: 2000 });
  if (!r.ok) {
    const text = `${r.error.message} ${r.stdout}`;
    if (/not permitted|permission denied|must be root|EPERM|EACCES/i.test(text)) {
      return { status: 'unreadable', tool: 'nft', message: 'firewall rules not readable (needs admin)' };
    }
    return {
      status: 'unavailable',
      message: 'nft could not list the ruleset: firewall rules were not checked.',
    };
  }
  try {
    return { status: 'read', tool: 'nft', rules: blockingRules(JSON.parse(r.stdout || '{}'), flow) };
  } catch {
    return {
      status: 'unavailable',
      message: 'nft printed something unreadable: firewall rules were not checked.',
    };
  }
}
