// Pure decisions of the test set-up (no I/O): which system packages are missing and what to run
// about it. scripts/setup/setup-test-env.mjs does the I/O; plan-setup.test.ts covers every branch.

/**
 * Whether a package counts as installed: any `present` entry found. `has(entry)` answers for one
 * command name or absolute path (the caller looks on PATH and on disk).
 * @param {{ present: readonly string[] }} pkg
 * @param {(entry: string) => boolean} has
 */
export function isPresent(pkg, has) {
  return pkg.present.some((entry) => has(entry));
}

/** Quotes one argv word for display as a shell command. */
function shellWord(word) {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argv list as the shell command a person would type. */
export function shellLine(argv) {
  return argv.map(shellWord).join(' ');
}

/**
 * Decides the set-up from facts gathered by the caller.
 * - nothing missing → `ready` (install nothing);
 * - Debian/Ubuntu (apt-get) as root, or with password-less sudo → `install` with apt-get;
 * - macOS with Homebrew (never as root: brew refuses) → `install` with brew;
 * - anything else → `manual`: the exact command to run, and the caller stops before any test.
 * @param {{
 *   platform: string,
 *   packages: readonly { apt: string, brew: string | null, services?: readonly string[] }[],
 *   missing: readonly string[],
 *   isRoot: boolean,
 *   sudo: boolean,
 *   apt: boolean,
 *   brew: boolean,
 * }} facts `missing` holds the `apt` names of the packages found absent.
 */
export function planSetup(facts) {
  const wanted = new Set(facts.missing);
  const missing = facts.packages.filter((p) => wanted.has(p.apt));
  if (facts.platform === 'darwin') {
    // Linux-only packages (brew: null) are not needed on macOS: the tests that use them skip there.
    const formulae = missing.filter((p) => p.brew !== null && !p.brew.startsWith('cask:')).map((p) => p.brew);
    const casks = missing.filter((p) => p.brew?.startsWith('cask:')).map((p) => p.brew.slice(5));
    if (formulae.length === 0 && casks.length === 0) return { kind: 'ready', missing: [], commands: [] };
    const commands = [];
    if (formulae.length > 0) commands.push(['brew', 'install', ...formulae]);
    if (casks.length > 0) commands.push(['brew', 'install', '--cask', ...casks]);
    const names = [...formulae, ...casks];
    if (facts.brew && !facts.isRoot)
      return { kind: 'install', via: 'brew', missing: names, commands, services: [] };
    const why = facts.brew
      ? 'Homebrew refuses to run as root'
      : 'Homebrew is not installed (https://brew.sh)';
    return { kind: 'manual', missing: names, commands, reason: why };
  }
  if (missing.length === 0) return { kind: 'ready', missing: [], commands: [] };
  const names = missing.map((p) => p.apt);
  const install = ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...names];
  if (facts.platform === 'linux' && facts.apt && (facts.isRoot || facts.sudo)) {
    const env = ['env', 'DEBIAN_FRONTEND=noninteractive'];
    const prefix = facts.isRoot ? [] : ['sudo', '-n'];
    return {
      kind: 'install',
      via: 'apt-get',
      missing: names,
      commands: [
        [...prefix, 'apt-get', 'update', '-qq'],
        [...prefix, ...env, ...install],
      ],
      // Debian starts these daemons on install; the tests start private instances instead.
      services: missing.flatMap((p) => p.services ?? []),
    };
  }
  const reason =
    facts.platform === 'linux' && facts.apt
      ? 'not root, and sudo needs a password'
      : `no supported package manager on ${facts.platform} (Debian names shown)`;
  return {
    kind: 'manual',
    missing: names,
    commands: [['sudo', 'apt-get', 'install', '-y', '--no-install-recommends', ...names]],
    reason,
  };
}

/**
 * Whether `npm ci` is needed: no node_modules yet, or the packages npm last installed (its hidden
 * lockfile, node_modules/.package-lock.json) are not the ones package-lock.json names.
 * @param {{ packages?: Record<string, { version?: string }> } | null} lock
 * @param {{ packages?: Record<string, { version?: string }> } | null} installed
 */
export function needsNpmCi(lock, installed) {
  if (installed === null || lock === null) return true;
  const want = Object.entries(lock.packages ?? {}).filter(([path]) => path.startsWith('node_modules/'));
  const have = installed.packages ?? {};
  // Optional dependencies for another OS or CPU are in the lock but never installed: skip those.
  return want.some(([path, meta]) => {
    const got = have[path];
    if (got === undefined) return meta.optional !== true;
    return got.version !== meta.version;
  });
}
