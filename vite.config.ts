import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Builds the renderer (the same bundle for the Electron window and `harbormaster serve`). */
export const config = defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No inline scripts or eval: the CSP is `script-src 'self'`.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});

// Vite reads the default export of its config file; the one exception to named exports.
// eslint-disable-next-line no-restricted-syntax
export default config;
