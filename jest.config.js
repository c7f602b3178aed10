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
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'text', 'json-summary'],
  coverageThreshold: { global: { lines: 90 } },
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
};
