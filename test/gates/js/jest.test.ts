import { describe, expect, it } from '@jest/globals';
import { jestCommand, parseJestJson } from '../../../src/gates/js/jest.js';

describe('jestCommand', () => {
  const flags = '--ci --coverage --coverageProvider=v8 --coverageReporters=json --coverageDirectory=/ws/.qg/coverage --json --outputFile=/ws/.qg/jest.json';
  it.each([
    ['appends the flags to a plain Jest test script', 'npm test', 'NODE_OPTIONS=--experimental-vm-modules jest', `npm test -- ${flags}`],
    ['calls the local Jest when the script does more than run Jest', 'npm test', 'tsc && jest', `node_modules/.bin/jest ${flags}`],
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
