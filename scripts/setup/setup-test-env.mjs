#!/usr/bin/env node
// The set-up half of `npm test` (also runnable alone): makes a fresh machine ready to run every
// test, then gets out of the way. System packages come from system-packages.json (the one list);
// the decisions are pure (plan-setup.mjs) and this file only looks and runs. With everything
// present it installs nothing and takes a few milliseconds.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPresent, needsNpmCi, planSetup, shellLine } from './plan-setup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const say = (line) => console.log(`setup: ${line}`);

/** The package list (system-packages.json). */
export function systemPackages() {
  return JSON.parse(readFileSync(join(here, 'system-packages.json'), 'utf8')).packages;
}

/** True when an absolute path pattern (one `*` per segment allowed) matches something on disk. */
function pathExists(pattern) {
  const parts = pattern.split('/').filter((p) => p !== '');
  let found = ['/'];
  for (const part of parts) {
    const next = [];
    for (const dir of found) {
      if (!part.includes('*')) {
        if (existsSync(join(dir, part))) next.push(join(dir, part));
        continue;
      }
      const re = new RegExp(
        `^${part
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );
      try {
        for (const name of readdirSync(dir)) if (re.test(name)) next.push(join(dir, name));
      } catch {
        // unreadable or not a directory: no match here
      }
    }
    found = next;
    if (found.length === 0) return false;
  }
  return true;
}

const searchDirs = [
  ...(process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''),
  // Daemons live in sbin, which a non-root PATH often lacks; Homebrew's prefixes may be unset in CI.
  '/usr/sbin',
  '/sbin',
  '/usr/local/sbin',
  '/usr/local/bin',
  '/opt/homebrew/bin',
];

/** Whether one `present` entry is found: `$VAR` (a path in the environment), an absolute path, or a command. */
export function hasEntry(entry) {
  if (entry.startsWith('$')) {
    const value = process.env[entry.slice(1)];
    return value !== undefined && value !== '' && existsSync(value);
  }
  if (entry.startsWith('/')) return pathExists(entry);
  return searchDirs.some((dir) => {
    try {
      accessSync(join(dir, entry), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function run(argv) {
  say(`$ ${shellLine(argv)}`);
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', cwd: root });
  return r.status === 0;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** System packages: checks, installs what is missing where it can, else prints the command. */
export function ensureSystemPackages() {
  const packages = systemPackages();
  const missing = packages.filter((p) => !isPresent(p, hasEntry)).map((p) => p.apt);
  const isRoot = process.getuid?.() === 0;
  const plan = planSetup({
    platform: process.platform,
    packages,
    missing,
    isRoot,
    // Asked only when it matters: `sudo -n` never prompts.
    sudo:
      missing.length > 0 && !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0,
    apt: hasEntry('apt-get'),
    brew: hasEntry('brew'),
  });
  if (plan.kind === 'ready') {
    say(`system packages: all ${packages.length} the tests need are present; installing nothing`);
    return true;
  }
  const why = (name) => packages.find((p) => p.apt === name || p.brew?.replace(/^cask:/, '') === name)?.for;
  if (plan.kind === 'manual') {
    say(`missing system packages the tests need (${plan.reason}):`);
    for (const name of plan.missing) say(`  ${name} — ${why(name) ?? ''}`);
    say('install them with:');
    for (const c of plan.commands) console.log(`  ${shellLine(c)}`);
    say('then run `npm test` again. No test was run.');
    return false;
  }
  say(`will install with ${plan.via}: ${plan.missing.join(' ')}`);
  for (const name of plan.missing) say(`  ${name} — ${why(name) ?? ''}`);
  for (const c of plan.commands) if (!run(c)) return false;
  for (const service of plan.services) {
    // Debian started it; the tests start private instances on free ports.
    spawnSync(...(isRoot ? ['service', [service, 'stop']] : ['sudo', ['-n', 'service', service, 'stop']]), {
      stdio: 'ignore',
    });
  }
  const still = packages.filter((p) => plan.missing.includes(p.apt) && !isPresent(p, hasEntry));
  if (still.length > 0 && plan.via === 'apt-get') {
    say(`still missing after install: ${still.map((p) => p.apt).join(' ')}`);
    return false;
  }
  return true;
}

/** npm packages: `npm ci` when node_modules is missing or not what package-lock.json says. */
export function ensureNpmPackages() {
  const lock = readJson(join(root, 'package-lock.json'));
  const installed = readJson(join(root, 'node_modules', '.package-lock.json'));
  if (!needsNpmCi(lock, installed)) {
    say('npm packages: node_modules matches package-lock.json; installing nothing');
    return true;
  }
  say(
    `will run npm ci (${installed === null ? 'no node_modules yet' : 'node_modules differs from package-lock.json'})`,
  );
  return run(['npm', 'ci', '--no-audit', '--no-fund']);
}

/** Both steps; false means "do not run the tests" (the reason is already printed). */
export function ensureTestEnvironment() {
  const started = performance.now();
  const ok = ensureSystemPackages() && ensureNpmPackages();
  if (ok) say(`ready (${Math.round(performance.now() - started)} ms)`);
  return ok;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(ensureTestEnvironment() ? 0 : 1);
}
