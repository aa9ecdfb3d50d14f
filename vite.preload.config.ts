import { defineConfig } from 'vite';

/**
 * Bundles the sandboxed preload into one CommonJS file whose only `require` is 'electron'
 * (a sandboxed preload cannot load the contract modules it is built from). Output:
 * dist/main/preload/preload.cjs, the path main/app-paths.ts gives the window.
 */
export const config = defineConfig({
  logLevel: 'warn',
  build: {
    outDir: 'dist/main/preload',
    emptyOutDir: false,
    minify: false,
    sourcemap: true,
    lib: { entry: 'main/preload/preload.ts', formats: ['cjs'], fileName: () => 'preload.cjs' },
    rollupOptions: { external: ['electron'] },
  },
});

// Vite reads the default export of its config file; the one exception to named exports.
// eslint-disable-next-line no-restricted-syntax
export default config;
