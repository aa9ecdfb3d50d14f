import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The app/ source files `entries` import statically (type-only imports and import() left out). */
function staticClosure(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = entries.map((e) => resolve(e));
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^(?:import|export)\s+(?!type\b)[^'";]*?from\s+'(\.[^']+)'/gm)) {
      stack.push(resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}

/**
 * What the port commands (`who`, `list`, `free`, `check`; `open` and `kill` too) load first:
 * one chunk instead of ~20 small ones, ~25 ms of a cold start here (each file is a resolve, a read
 * and a compile). The entry's own modules stay in the entry, so `pin` or `--help` skip this chunk.
 */
const portCore = staticClosure([
  'app/service/create-service.ts',
  ...['who', 'list', 'free', 'check'].map((c) => `app/cli/commands/${c}.ts`),
]);
for (const file of staticClosure(['app/cli/main.ts'])) portCore.delete(file);

/**
 * Bundles the `harbormaster` command into dist/cli/harbormaster.js (bin/harbormaster.js loads
 * it): one file to read and link instead of ~45 ESM modules, which is most of the CLI's cold
 * start (issue 14 item 2). Packages stay external and are loaded only where used: `netlink`
 * (native, its raw layer only), `systeminformation` (the last-resort scanner, in a child),
 * `ws` (serve's own chunk, imported when `serve` runs); zod is bundled into the schemas
 * chunk, which only `kill` and `serve` load. The Electron main process and
 * the core-host utility process keep their tsc-built entry points in dist/main and dist/app.
 */
export const config = defineConfig({
  logLevel: 'warn',
  plugins: [
    {
      name: 'harbormaster-cli-commonjs-scope',
      generateBundle() {
        this.emitFile({ type: 'asset', fileName: 'package.json', source: '{ "type": "commonjs" }\n' });
      },
    },
  ],
  // zod is bundled into the chunk of its one user (the contract schemas, loaded by `kill` and
  // `serve`): as a package it is ~95 module files to resolve and read, ~4× the cost of one file.
  ssr: { noExternal: ['zod'] },
  build: {
    outDir: 'dist/cli',
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    target: 'node20',
    ssr: 'app/cli/main.ts',
    rollupOptions: {
      external: [
        ...builtinModules,
        ...builtinModules.map((m) => `node:${m}`),
        /^netlink(\/|$)/,
        'systeminformation',
        'ws',
      ],
      output: {
        // CommonJS: Node's require() resolves and links a chunk for a fraction of what its ESM
        // loader spends (URL resolution, package scope lookup, module jobs), ~30 ms of a `who`
        // here. dist/cli/package.json (emitted below) makes these .js files CommonJS.
        format: 'cjs',
        entryFileNames: 'harbormaster.js',
        chunkFileNames: '[name]-[hash].js',
        codeSplitting: { groups: [{ name: 'port-core', test: (id: string) => portCore.has(id) }] },
      },
    },
  },
});

// Vite reads the default export of its config file; the one exception to named exports.
// eslint-disable-next-line no-restricted-syntax
export default config;
