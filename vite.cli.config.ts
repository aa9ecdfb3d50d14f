import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

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
      },
    },
  },
});

// Vite reads the default export of its config file; the one exception to named exports.
// eslint-disable-next-line no-restricted-syntax
export default config;
