import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import { builtinModules } from 'node:module';

// The layers of ARCHITECTURE.md, shown in the editor; build/check-imports.mjs (in `npm run lint`) also checks them, and cycles.
// Bare names are paths, not patterns: a pattern `http` would also refuse the renderer's own ./http.
const nodePaths = (message) => builtinModules.map((name) => ({ name, message }));

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] }, globals: globals.browser },
  },
  {
    files: ['**/*.{ts,mts,mjs,cjs,js}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': 'off',
      // Formatting is prettier's job.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    // main/core must stay plain Node: Electron reaches it only through ports.
    files: ['main/core/**/*.ts', 'main/host/**/*.ts', 'main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'main/core, host and cli must not import electron; add a port in main/core/ports.ts.' }] },
      ],
    },
  },
  {
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'main/core must not import electron; add a port in main/core/ports.ts.' }],
          patterns: [{ group: ['**/app/**', '**/host/**', '**/cli/**'], message: 'main/core never imports main/app, main/host or main/cli.' }],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodePaths('shared/ is read by both sides: no Node modules.'),
          patterns: [
            { group: ['node:*'], message: 'shared/ is read by both sides: no Node modules.' },
            { group: ['**/main/**', '**/renderer/**', '**/e2e/**'], message: 'shared/ imports neither main/, renderer/ nor e2e/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodePaths('renderer/ runs in the page: no Node modules.'),
          patterns: [
            { group: ['node:*'], message: 'renderer/ runs in the page: no Node modules.' },
            { group: ['**/main/**', '**/e2e/**', '**/preload/**'], message: 'renderer/ imports only shared/ (as @shared) and itself.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Playwright fixtures must destructure their (empty) dependencies.
    files: ['e2e/support/fixtures.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
);
