import { cleanText } from './clean-text.js';
import type { Listener } from './listener.js';

/**
 * What a user recognises a listener by, for every face (window rows, tray labels, CLI): five rows
 * called "node" cannot be told apart, but "shop · next dev" and "admin · vite" can. Isomorphic (no
 * Node imports): the renderer uses it too. The command line is argv joined with spaces (see
 * ProcessOwner.command), so an argument with a space in it splits; the rule only looks at the
 * first few tokens and falls back to the process name when unsure.
 */
export interface DisplayName {
  /** The name to show first: project and script, the script alone, the page title, or the process name. */
  readonly primary: string;
  /** The process name, when the primary name is something else (shown smaller). */
  readonly secondary: string | null;
  /** The recognisable script or tool (`next dev`, `manage.py runserver`), when one was found. */
  readonly script: string | null;
}

const NODE = /^(node|nodejs|bun|deno)(\.exe)?$/i;
const PYTHON = /^(python|pythonw|python\d+(\.\d+)?)(\.exe)?$/i;
const RUBY = /^(ruby|ruby\d+(\.\d+)?)(\.exe)?$/i;
const PHP = /^php(\d+(\.\d+)?)?(\.exe)?$/i;
const JAVA = /^java(\.exe)?$/i;
const PACKAGE_MANAGERS = /^(npm|pnpm|yarn|npx|bunx|pnpx)(\.cmd|\.exe)?$/i;
// Runners whose first argument is the thing to name (bundle exec rails s, go run .).
const WRAPPERS = new Set(['bundle', 'poetry', 'pipenv', 'uv', 'dotnet']);
// Interpreter flags that take a value, so the value is not mistaken for the script.
const NODE_VALUE_FLAGS = new Set(['-r', '--require', '--loader', '--import', '--experimental-loader']);
const PYTHON_VALUE_FLAGS = new Set(['-W', '-X']);
// Script basenames that say nothing alone: the parent folder is kept (`dist/index.js`).
const GENERIC = /^(index|main|server|app|start|cli|bin|run)\.(c|m)?(js|ts)$/i;
// Subcommands worth keeping after a tool name.
const SUBCOMMANDS = new Set([
  'dev',
  'start',
  'serve',
  'server',
  's',
  'preview',
  'run',
  'runserver',
  'watch',
  'develop',
  'up',
  'exec',
]);

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

/** `node_modules/.bin/next`, `node_modules/next/dist/bin/next`, `node_modules/@nestjs/cli/bin/nest.js` → the package's tool. */
function toolFromNodeModules(path: string): string | null {
  const bin = /node_modules[\\/]\.bin[\\/]([^\\/]+)$/.exec(path);
  if (bin?.[1]) return bin[1].replace(/\.(c|m)?js$/, '');
  const pkg = /node_modules[\\/]((@[^\\/]+[\\/])?[^\\/]+)[\\/].*?([^\\/]+)$/.exec(path);
  if (pkg?.[3]) {
    const file = pkg[3].replace(/\.(c|m)?js$/, '');
    const name = (pkg[1] ?? '').replace(/^@[^\\/]+[\\/]/, '');
    return file === 'cli' || file === 'index' || file === 'bin' ? name : file;
  }
  return null;
}

function scriptLabel(path: string): string {
  const base = baseName(path);
  if (!GENERIC.test(base)) return base;
  const parts = path.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
  return parts.length >= 2 ? `${parts[parts.length - 2]}/${base}` : base;
}

/** The first argument after `from` that is not a flag (skipping the values of value-taking flags). */
function firstArg(tokens: readonly string[], from: number, valueFlags: ReadonlySet<string>): number {
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    if (t.startsWith('-')) {
      if (valueFlags.has(t)) i++;
      continue;
    }
    return i;
  }
  return -1;
}

function withSub(name: string, tokens: readonly string[], at: number): string {
  const next = tokens[at];
  return next !== undefined && SUBCOMMANDS.has(next) ? `${name} ${next}` : name;
}

/** True when the interpreter runs inline code (`node -e …`, `python -c …`): its words are no script name. */
function inlineCode(tokens: readonly string[], flags: readonly string[], before: number): boolean {
  return flags.some((f) => {
    const at = tokens.indexOf(f);
    return at >= 1 && (before < 0 || at < before);
  });
}

function nodeScript(tokens: readonly string[]): string | null {
  const i = firstArg(tokens, 1, NODE_VALUE_FLAGS);
  if (i < 0 || inlineCode(tokens, ['-e', '--eval', '-p', '--print'], i)) return null;
  let t = tokens[i] ?? '';
  // `bun run dev`, `deno run -A main.ts`: the runner's own subcommand.
  if (t === 'run' || t === 'x') {
    const j = firstArg(tokens, i + 1, NODE_VALUE_FLAGS);
    if (j < 0) return null;
    t = tokens[j] ?? '';
    if (!/[\\/.]/.test(t)) return `${baseName(tokens[0] ?? '')} run ${t}`;
    return scriptLabel(t);
  }
  const tool = toolFromNodeModules(t);
  if (tool !== null) return withSub(tool, tokens, i + 1);
  return scriptLabel(t);
}

function pythonScript(tokens: readonly string[]): string | null {
  const i = firstArg(tokens, 1, PYTHON_VALUE_FLAGS);
  const m = tokens.indexOf('-m');
  if (m >= 1 && (i < 0 || m < i)) {
    const mod = tokens[m + 1];
    return mod === undefined ? null : withSub(mod, tokens, m + 2);
  }
  if (i < 0 || inlineCode(tokens, ['-c'], i)) return null;
  const script = baseName(tokens[i] ?? '');
  const next = tokens[i + 1];
  // `manage.py runserver`, `flask run`, `app.py`: a bare word after the script is its subcommand.
  return next !== undefined && /^[a-z][a-z_]*$/.test(next) ? `${script} ${next}` : script;
}

function rubyScript(tokens: readonly string[]): string | null {
  const i = firstArg(tokens, 1, new Set(['-I', '-r']));
  if (i < 0) return null;
  const script = baseName(tokens[i] ?? '').replace(/\.rb$/, '');
  return withSub(script, tokens, i + 1);
}

function javaScript(tokens: readonly string[]): string | null {
  const jar = tokens.indexOf('-jar');
  if (jar >= 0 && tokens[jar + 1]) return baseName(tokens[jar + 1] ?? '');
  const i = firstArg(tokens, 1, new Set(['-cp', '-classpath', '--class-path', '-p', '--module-path']));
  if (i < 0) return null;
  const cls = tokens[i] ?? '';
  return cls.split('.').pop() ?? cls;
}

/**
 * The recognisable script or tool of a command line: `next dev`, `vite`, `manage.py runserver`,
 * `rails s`, `npm run dev`, `http.server`, `app.jar`. Null when the command says no more than the
 * process name does.
 */
export function scriptOf(command: string, processName: string): string | null {
  const text = cleanText(command, { collapse: true }).trim();
  if (text === '') return null;
  // Processes that retitle themselves: `next-server (v14.2.3)`, `puma 6.4.0 (tcp://…) [shop]`.
  if (/^next-server\b/.test(text)) return 'next-server';
  if (/^puma \d/.test(text)) return 'puma';
  const tokens = text.split(' ');
  const exe = baseName(tokens[0] ?? '');
  let script: string | null = null;
  if (NODE.test(exe)) script = nodeScript(tokens);
  else if (PYTHON.test(exe)) script = pythonScript(tokens);
  else if (RUBY.test(exe)) script = rubyScript(tokens);
  else if (JAVA.test(exe)) script = javaScript(tokens);
  else if (PHP.test(exe)) {
    if (tokens.includes('-S')) script = 'php -S';
    else {
      const i = firstArg(tokens, 1, new Set());
      script = i < 0 ? null : withSub(baseName(tokens[i] ?? ''), tokens, i + 1);
    }
  } else if (PACKAGE_MANAGERS.test(exe)) {
    const pm = exe.replace(/\.(cmd|exe)$/i, '');
    const rest = tokens.slice(1).filter((t) => !t.startsWith('-'));
    script = rest.length > 0 ? `${pm} ${rest.slice(0, 2).join(' ')}` : pm;
  } else if (WRAPPERS.has(exe)) {
    const rest = tokens.slice(1).filter((t) => !t.startsWith('-'));
    const i = rest[0] === 'exec' || rest[0] === 'run' ? 1 : 0;
    const tool = rest[i];
    script = tool === undefined ? null : withSub(baseName(tool), rest, i + 1);
  } else if (/[\\/]go-build\d*[\\/]/.test(tokens[0] ?? '')) {
    script = 'go run';
  } else {
    // A binary with a subcommand worth naming (`hugo server`, `rails s`, `vite dev`).
    const sub = withSub(exe, tokens, 1);
    script = sub !== exe ? sub : null;
  }
  if (script === null || script === '' || script === processName) return null;
  return cleanText(script, { max: 48, collapse: true });
}

/** The `<title>` the health probe read, when the listener answered HTTP with one. */
export function pageTitleOf(listener: Pick<Listener, 'health'>): string | null {
  const h = listener.health;
  if (h.state !== 'up' || (h.kind !== 'http' && h.kind !== 'https')) return null;
  const title = cleanText(h.title ?? '', { collapse: true }).trim();
  return title === '' ? null : title;
}

/**
 * How a row is named: `project · script` (`shop · next dev`), else the script, else the page
 * title, else the process name; the process name is then secondary. Unknown owners keep the
 * renderer's own wording (null primary here means "use the owner description").
 */
export function displayNameOf(listener: Pick<Listener, 'owner' | 'health'>): DisplayName | null {
  const o = listener.owner;
  if (o.kind !== 'process') return null;
  const name = cleanText(o.name, { collapse: true }) || `pid ${o.pid}`;
  const script = scriptOf(o.command, o.name);
  const project = o.project ? cleanText(o.project.name, { collapse: true }) : null;
  const title = pageTitleOf(listener);
  const what = script ?? title;
  if (project !== null && what !== null) return { primary: `${project} · ${what}`, secondary: name, script };
  if (project !== null) return { primary: `${project} · ${name}`, secondary: null, script };
  if (what !== null) return { primary: what, secondary: name, script };
  return { primary: name, secondary: null, script };
}
