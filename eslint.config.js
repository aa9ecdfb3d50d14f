// Flat ESLint config. Layer rules (docs/ARCHITECTURE.md#layers) are encoded here so a breach fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const electronBan = {
  name: 'electron',
  message: 'app/ and renderer/ never import electron (docs/ARCHITECTURE.md#layers).',
};

/** The renderer reaches app/ only through app/model and app/contract (plus `extra` exceptions). */
function rendererImportRule(extra) {
  return [
    'error',
    {
      paths: [
        electronBan,
        { name: 'systeminformation', message: 'The renderer reaches the OS only through HarbormasterApi.' },
      ],
      patterns: [
        { group: ['node:*'], message: 'The renderer has no Node.' },
        {
          group: [
            '**/app/*',
            '!**/app/model',
            '!**/app/contract',
            ...extra,
            '**/app/scan/**',
            '**/app/owners/**',
            '**/app/health/**',
            '**/app/actions/**',
            '**/app/watch/**',
            '**/app/cli/**',
            '**/app/serve/**',
            '**/main/**',
          ],
          message: 'renderer/ may import only app/model and app/contract.',
        },
      ],
    },
  ];
}

// ESLint reads the default export of its config file.
// eslint-disable-next-line no-restricted-syntax
export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'reports/**',
      'test-results/**',
      'playwright-report/**',
      'node_modules/**',
      '**/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (docs/ARCHITECTURE.md#style).' },
      ],
    },
  },
  {
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, { name: 'react', message: 'app/ is the Node core: no React.' }],
          patterns: [
            { group: ['**/renderer/**', '**/main/**'], message: 'app/ never imports renderer/ or main/.' },
            { group: ['electron/*'], message: 'app/ never imports electron.' },
          ],
        },
      ],
    },
  },
  {
    // The isomorphic part of the core: no Node built-ins, so renderer and preload may use it.
    files: ['app/model/**/*.ts', 'app/contract/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'child_process', 'net'],
              message: 'app/model and app/contract are isomorphic: no Node.',
            },
            {
              group: [
                '../scan/**',
                '../owners/**',
                '../health/**',
                '../actions/**',
                '../watch/**',
                '../cli/**',
                '../serve/**',
              ],
              message: 'model/contract depend on nothing else.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': rendererImportRule([]),
    },
  },
  {
    // Tests may use the shared test module (isomorphic fixtures, fake API, the bad-input catalogue).
    // The benchmarks and the render helper use it too (app/testing is isomorphic).
    files: ['renderer/**/*.test.{ts,tsx}', 'renderer/test-support/**', 'renderer/bench/**'],
    rules: { 'no-restricted-imports': rendererImportRule(['!**/app/test-support', '!**/app/testing']) },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'app/**/*.ts', 'main/**/*.ts'],
    ignores: ['main/preload/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'ipcRenderer', message: 'Only the preload touches ipcRenderer.' },
      ],
    },
  },
  {
    files: ['**/*.cjs', 'bin/**/*.js', 'scripts/**/*.{js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // CommonJS files (bin/package.json makes bin/ CommonJS: a faster cold start, issue 14).
    files: ['**/*.cjs', 'bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
