import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isPresent, needsNpmCi, planSetup, shellLine, type SystemPackage } from './plan-setup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const list = (
  JSON.parse(readFileSync(join(here, 'system-packages.json'), 'utf8')) as { packages: SystemPackage[] }
).packages;
const base = { platform: 'linux', packages: list, isRoot: true, sudo: false, apt: true, brew: false };

describe('test set-up: which system packages, and how', () => {
  it('lists every package the tests need once, each with a way to tell it is installed', () => {
    const names = list.map((p) => p.apt);
    expect(new Set(names).size).toBe(names.length);
    for (const wanted of ['chromium', 'redis-server', 'postgresql', 'lsof', 'iproute2', 'mosquitto']) {
      expect(names).toContain(wanted);
    }
    for (const p of list) expect(p.present.length, p.apt).toBeGreaterThan(0);
  });

  it('installs nothing when everything is present', () => {
    expect(planSetup({ ...base, missing: [] })).toEqual({ kind: 'ready', missing: [], commands: [] });
  });

  it('as root on Debian installs only the missing packages with apt-get, then stops the services Debian started', () => {
    const plan = planSetup({ ...base, missing: ['redis-server', 'chromium', 'postgresql'] });
    expect(plan.kind).toBe('install');
    if (plan.kind !== 'install') return;
    expect(plan.missing).toEqual(['chromium', 'redis-server', 'postgresql']);
    expect(plan.commands.map(shellLine)).toEqual([
      'apt-get update -qq',
      'env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium redis-server postgresql',
    ]);
    expect(plan.services).toEqual(['redis-server', 'postgresql']);
  });

  it('with password-less sudo runs apt-get through sudo -n; without it prints the command and runs nothing', () => {
    const viaSudo = planSetup({ ...base, isRoot: false, sudo: true, missing: ['lsof'] });
    expect(viaSudo.commands.map(shellLine)).toEqual([
      'sudo -n apt-get update -qq',
      'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lsof',
    ]);
    const manual = planSetup({ ...base, isRoot: false, sudo: false, missing: ['lsof', 'memcached'] });
    expect(manual).toEqual({
      kind: 'manual',
      missing: ['memcached', 'lsof'],
      commands: [['sudo', 'apt-get', 'install', '-y', '--no-install-recommends', 'memcached', 'lsof']],
      reason: 'not root, and sudo needs a password',
    });
  });

  it('on macOS uses Homebrew (formulae and casks), skips Linux-only packages, and never runs brew as root', () => {
    const mac = { ...base, platform: 'darwin', brew: true, apt: false, isRoot: false };
    const plan = planSetup({ ...mac, missing: ['chromium', 'redis-server', 'nftables', 'iproute2'] });
    expect(plan.kind).toBe('install');
    expect(plan.commands.map(shellLine)).toEqual(['brew install redis', 'brew install --cask chromium']);
    expect(planSetup({ ...mac, missing: ['nftables', 'lsof'] }).kind).toBe('ready');
    const asRoot = planSetup({ ...mac, isRoot: true, missing: ['redis-server'] });
    expect(asRoot).toMatchObject({ kind: 'manual', reason: 'Homebrew refuses to run as root' });
    expect(planSetup({ ...mac, brew: false, missing: ['redis-server'] })).toMatchObject({
      kind: 'manual',
      commands: [['brew', 'install', 'redis']],
    });
  });

  it('elsewhere (no apt-get, or not Linux) prints the exact install command and fails', () => {
    for (const facts of [
      { ...base, apt: false, missing: ['redis-server'] },
      { ...base, platform: 'win32', apt: false, missing: ['redis-server'] },
    ]) {
      const plan = planSetup(facts);
      expect(plan.kind).toBe('manual');
      expect(plan.commands.map(shellLine)).toEqual([
        'sudo apt-get install -y --no-install-recommends redis-server',
      ]);
    }
  });

  it('finds a package by any of its commands or paths', () => {
    const chromium = list.find((p) => p.apt === 'chromium') as SystemPackage;
    expect(isPresent(chromium, (e) => e === 'chromium-browser')).toBe(true);
    expect(isPresent(chromium, () => false)).toBe(false);
  });
});

describe('test set-up: npm packages', () => {
  const lock = {
    packages: {
      '': { version: '0.1.0' },
      'node_modules/vitest': { version: '4.1.12' },
      'node_modules/@rolldown/binding-darwin-arm64': { version: '1.2.19', optional: true },
    },
  };

  it('runs npm ci when there is no node_modules, or a package differs from the lock', () => {
    expect(needsNpmCi(lock, null)).toBe(true);
    expect(needsNpmCi(lock, { packages: {} })).toBe(true);
    expect(needsNpmCi(lock, { packages: { 'node_modules/vitest': { version: '4.1.11' } } })).toBe(true);
  });

  it('skips npm ci when node_modules matches (optional packages for other platforms may be absent)', () => {
    expect(needsNpmCi(lock, { packages: { 'node_modules/vitest': { version: '4.1.12' } } })).toBe(false);
  });
});
