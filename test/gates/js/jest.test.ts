import { describe, expect, it } from '@jest/globals';
import { jestCommand, parseJestJson } from '../../../src/gates/js/jest.js';

describe('jestCommand', () => {
  const flags = '--ci --coverage --coverageProvider=v8 --coverageReporters=json --coverageDirectory=/ws/.qg/coverage --json --outputFile=/ws/.qg/jest.json';
  it.each([
    ['appends the flags to a plain Jest test script', 'npm test', 'NODE_OPTIONS=--experimental-vm-modules jest', `npm test -- ${flags}`],
    ['runs the Jest step of a chained script with its arguments', 'npm test', 'yarn lint && jest --config test/jest.config.js', `jest --config test/jest.config.js ${flags}`],
    ['keeps the environment and cross-env of the Jest step', 'npm test', 'tsc; cross-env TZ=UTC npx jest --runInBand && npm run size', `cross-env TZ=UTC npx jest --runInBand ${flags}`],
    ['keeps quoted arguments without separators in them', 'npm test', 'npm run lint && jest --testPathPattern "unit/.*"', `jest --testPathPattern "unit/.*" ${flags}`],
    ['calls the local Jest when no single step runs Jest', 'npm test', 'jest --selectProjects a && jest --selectProjects b', `node_modules/.bin/jest ${flags}`],
    ['calls the local Jest when the script pipes', 'npm test', 'npm run lint && jest | tee out.txt', `node_modules/.bin/jest ${flags}`],
    ['calls the local Jest when a quoted word holds a separator', 'npm test', 'jest -t "a && b"', `node_modules/.bin/jest ${flags}`],
    ['calls the local Jest when the script only names it in another word', 'npm test', 'tsc && run-jest-tests', `node_modules/.bin/jest ${flags}`],
    ['appends the flags to a custom command', 'npx jest --selectProjects unit', undefined, `npx jest --selectProjects unit ${flags}`],
  ])('%s', (_name, command, script, expected) => {
    expect(jestCommand(command, script, '/ws/.qg')).toBe(expected);
  });
});

describe('parseJestJson', () => {
  it('counts passed and failed tests, names the failures and counts suites that failed to run', () => {
    const json = {
      numPassedTests: 4,
      numFailedTests: 1,
      testResults: [
        {
          name: '/ws/test/a.test.js',
          status: 'failed',
          assertionResults: [
            { fullName: 'math adds', status: 'passed' },
            { fullName: 'math divides by zero', status: 'failed' },
          ],
        },
        { name: '/ws/test/broken.test.js', status: 'failed', assertionResults: [] },
        { name: '/ws/test/ok.test.js', status: 'passed', assertionResults: [{ fullName: 'ok', status: 'passed' }] },
      ],
    };
    expect(parseJestJson(JSON.stringify(json), '/ws')).toEqual({
      passed: 4,
      failed: 2,
      failedTests: ['math divides by zero', 'test/broken.test.js (test suite failed to run)'],
    });
  });
});
