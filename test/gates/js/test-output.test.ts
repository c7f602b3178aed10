import { describe, expect, it } from '@jest/globals';
import { parseTestSummary, summaryFromExitCode } from '../../../src/gates/js/test-output.js';

const NODE_TAP = `TAP version 13
# Subtest: keeps a number inside the range
ok 1 - keeps a number inside the range
  ---
  duration_ms: 1.2
  ...
# Subtest: clamps to the upper bound
not ok 2 - clamps to the upper bound
  ---
  error: |-
    10 !== 11
  ...
1..2
# tests 2
# suites 0
# pass 1
# fail 1
# cancelled 0
`;

const NODE_SPEC = `✔ keeps a number inside the range (1.04ms)
✖ clamps to the upper bound (0.99ms)
  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
ℹ tests 2
ℹ pass 1
ℹ fail 1
ℹ duration_ms 108.36

✖ failing tests:

test at test/index.test.js:9:1
✖ clamps to the upper bound (0.99ms)
`;

const MOCHA = `

  clamp
    ✔ keeps a number inside the range
    1) clamps to the upper bound


  1 passing (6ms)
  1 failing

  1) clamp
       clamps to the upper bound:
     AssertionError [ERR_ASSERTION]: 10 == 11
`;

const AVA = `
  ✔ keeps a number inside the range
  ✘ [fail]: clamps to the upper bound

  ─

  1 test failed
  1 test passed
`;

const TAPE = `TAP version 13
# clamp
ok 1 should be equal
not ok 2 should be equal
  ---
    operator: equal
  ...

1..2
# tests 2
# pass  1
# fail  1
`;

// uvu prints no failed count: it is Total − Passed − Skipped.
const UVU = `clamp  • ✘   (1 / 2)

  FAIL  clamp  "clamps to the upper bound"
    Expected values to be strictly equal:  (equal)

  Total:     3
  Passed:    1
  Skipped:   1
  Duration:  1.52ms
`;

const VITEST = ` ❯ test/defu.test.ts (22 tests | 1 failed) 12ms
   × defu > should copy only missing properties defaults 5ms

⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯

 FAIL  test/defu.test.ts > defu > should copy only missing properties defaults
AssertionError: expected { a: 'c' } to deeply equal { a: 'b' }

 Test Files  1 failed | 1 passed (2)
      Tests  1 failed | 22 passed (23)
   Start at  07:57:59
`;

// node-tap 21 writing to a pipe: nested TAP, then a summary object.
const NODE_TAP_21 = `TAP version 14
# Subtest: tests/test-parse.js
    # Subtest: clamps to the upper bound
        1..1
        not ok 1 - should be equal
    not ok 1 - clamps to the upper bound # time=1.2ms
    ok 2 - keeps a number inside the range # time=0.3ms
    1..2
not ok 1 - tests/test-parse.js # time=735.403ms
1..1
# No coverage generated
# { total: 3, pass: 1, fail: 1, skip: 1 }
# time=6577.401ms
`;

describe('parseTestSummary', () => {
  it.each([
    ["node:test's TAP reporter", NODE_TAP, { passed: 1, failed: 1, failedTests: ['clamps to the upper bound'] }],
    ["node:test's spec reporter", NODE_SPEC, { passed: 1, failed: 1, failedTests: ['clamps to the upper bound'] }],
    ['mocha', MOCHA, { passed: 1, failed: 1, failedTests: ['clamps to the upper bound'] }],
    ['ava', AVA, { passed: 1, failed: 1, failedTests: ['clamps to the upper bound'] }],
    ['tape', TAPE, { passed: 1, failed: 1, failedTests: [] }],
    ['node-tap 18+', NODE_TAP_21, { passed: 1, failed: 1, failedTests: ['should be equal', 'clamps to the upper bound', 'tests/test-parse.js'] }],
    ['a passing node-tap run', '# { total: 12, pass: 12 }\n# time=80ms\n', { passed: 12, failed: 0, failedTests: [] }],
    ['vitest', VITEST, { passed: 22, failed: 1, failedTests: ['defu > should copy only missing properties defaults'] }],
    ['a passing vitest run', ' Test Files  2 passed (2)\n      Tests  23 passed (23)\n', { passed: 23, failed: 0, failedTests: [] }],
    ['uvu', UVU, { passed: 1, failed: 1, failedTests: ['clamps to the upper bound'] }],
    ['a passing uvu run', '\n  Total:     42\n  Passed:    42\n  Skipped:   0\n', { passed: 42, failed: 0, failedTests: [] }],
    ['a passing run with colours', '\u001b[32m# pass 3\u001b[39m\n# fail 0\n', { passed: 3, failed: 0, failedTests: [] }],
  ])('reads %s', (_name, output, expected) => {
    expect(parseTestSummary(output)).toEqual(expected);
  });

  it('finds nothing in output without a known summary', () => {
    expect(parseTestSummary('hello\nworld\n')).toBeUndefined();
  });
});

describe('summaryFromExitCode', () => {
  it('counts a failing command as one failed test and a passing one as none', () => {
    expect(summaryFromExitCode(1)).toEqual({ passed: 0, failed: 1, failedTests: ['the test command failed'] });
    expect(summaryFromExitCode(0)).toEqual({ passed: 0, failed: 0, failedTests: [] });
  });
});
