// Lint rules, including the import boundaries of docs/ARCHITECTURE.md:
// - electron/core and shared never import electron (the core runs under plain Node);
// - shared imports nothing of the app (it is the contract);
// - the renderer imports only shared and its own files.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const noElectron = {
  paths: [
    { name: 'electron', message: 'The core and shared code run under plain Node: the shell passes in what it needs.' },
  ],
  patterns: [{ group: ['electron/*'], message: 'The core and shared code never import electron.' }],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-electron/',
      'dist-cli/',
      'release/',
      'test-results/',
      'playwright-report/',
      '.callrelay-demo/',
      'callrelay-demo/',
      '.bench-tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/headless/**/*.ts', 'electron/cli.ts'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noElectron,
          patterns: [
            ...noElectron.patterns,
            {
              group: ['**/electron/**', '**/renderer/**', 'node:*'],
              message: 'shared/ is the contract: pure, no app or Node imports.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron.paths,
          patterns: [
            {
              group: ['**/electron/**', 'electron/*'],
              message: 'The renderer talks to a host only through the contract client.',
            },
            { group: ['node:*'], message: 'The renderer runs in a browser sandbox.' },
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
);
