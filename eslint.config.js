// @ts-check
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Test-focus and test-skip calls would silently shrink the suite. */
const bannedTestModifiers = ['describe', 'it', 'test'].flatMap((fn) =>
  ['only', 'skip'].map((modifier) => ({
    selector: `CallExpression[callee.object.name='${fn}'][callee.property.name='${modifier}']`,
    message: `${fn}.${modifier} is banned: every test runs.`,
  })),
);

const noEnums = { selector: 'TSEnumDeclaration', message: 'Use an `as const` object or a union instead of an enum.' };

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'dist-electron/', 'release/', 'test-results/', '.tmp/', 'renderer/public/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', noEnums, ...bannedTestModifiers],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    // The engine is pure TypeScript: it runs in a utilityProcess, a child process and the CLI.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'core/ must not import electron.' },
            { group: ['svelte', 'svelte/*'], message: 'core/ must not import svelte.' },
            { group: ['**/electron/**', '**/renderer/**'], message: 'core/ must not import the shell or the UI.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    // The renderer talks to the engine only through the contract and window.einthoven.
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'child_process', 'better-sqlite3', 'electron'], message: 'The renderer has no Node access.' },
            { group: ['**/core/*', '!**/core/contract', '**/core/*/**', '!**/core/contract/**'], message: 'The renderer may import only core/contract.' },
            { group: ['**/electron/**'], message: 'The renderer must not import the shell.' },
          ],
        },
      ],
    },
  },
);
