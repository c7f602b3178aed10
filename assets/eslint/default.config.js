// The ESLint config quality-gates lints a repository with when the repository brings none of its own:
// ESLint's recommended rules for every JavaScript file, typescript-eslint's recommended rules for
// TypeScript files (parsed without type information, so no build or tsconfig is needed), and the
// globals of both Node.js and browsers, since the gate cannot know where the code runs (and the test
// runners' globals in test files).
// Its imports resolve from the app's own node_modules, which the sandbox shows read-only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default [
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/build/**',
      '**/coverage/**',
      '**/.quality-gates/**',
      '**/*.min.js',
      // Declaration files are generated or hand-written types, not code that runs.
      '**/*.d.{ts,mts,cts}',
    ],
  },
  {
    files: ['**/*.{js,mjs,cjs,jsx}'],
    ...js.configs.recommended,
  },
  ...tseslint.configs.recommended.map((config) => ({
    ...config,
    files: ['**/*.{ts,tsx,mts,cts}'],
  })),
  {
    languageOptions: {
      ecmaVersion: 'latest',
      globals: { ...globals.node, ...globals.browser },
    },
    // The repository's `eslint-disable` comments are for the linter it really uses (xo, standard, its
    // own rules): under this config most of them look unused, and saying so is noise, not a finding.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  {
    // Test files use the globals of whichever runner the repository has (Jest, Mocha, Vitest's globals mode).
    files: ['**/*.{test,spec}.*', '**/__tests__/**', 'test/**', 'tests/**'],
    languageOptions: { globals: { ...globals.jest, ...globals.mocha } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
];
