import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Source files that hold only types compile to nothing, and V8 coverage reports such a file as 0 %
 * covered. They are left out of the coverage total rather than imported for show.
 */
function typeOnlyFiles(dir) {
  const files = readdirSync(dir, { recursive: true })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(dir, file));
  return files.filter((file) => {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const code = outputText
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/^(export \{\};?|import [^;]*;)$/gm, '')
      .trim();
    return code === '';
  });
}

/**
 * Jest runs the TypeScript sources as native ES modules (Probot 14 is ESM-only), so ts-jest
 * transpiles with `useESM` and the `.js` suffixes of relative imports are mapped back to `.ts`.
 * Coverage uses V8's own counters: c8 wrapped around Jest reports wrong figures.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/test/fixtures/', '<rootDir>/examples/', '<rootDir>/dist/'],
  watchPathIgnorePatterns: ['<rootDir>/test/fixtures/'],
  coverageProvider: 'v8',
  collectCoverageFrom: ['src/**/*.ts', ...typeOnlyFiles('src').map((file) => `!${file}`)],
  coverageReporters: ['text-summary', 'text', 'json-summary'],
  coverageThreshold: { global: { lines: 90 } },
  testTimeout: 60000,
  // The suite's own throwaway redis-server (or the one QG_TEST_REDIS_URL names), never 127.0.0.1:6379.
  globalSetup: '<rootDir>/test/support/redis-server.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
};
