import { describe, expect, it } from '@jest/globals';
import { coverageTarget } from '../../../src/gates/python/command.js';
import { parseCoverageJson } from '../../../src/gates/python/coverage-json.js';
import { parseJUnit, parseSummary } from '../../../src/gates/python/pytest-report.js';
import { parseSphinx } from '../../../src/gates/python/sphinx.js';

describe('coverage command rule', () => {
  it.each([
    [undefined, ['-m', 'pytest'], [], true],
    ['pytest -x tests', ['-m', 'pytest', '-x', 'tests'], [], true],
    ['py.test', ['-m', 'pytest'], [], true],
    ['python -m pytest -q', ['-m', 'pytest', '-q'], [], true],
    ['python3 -m unittest discover', ['-m', 'unittest', 'discover'], [], false],
    ['python runtests.py --fast', ['runtests.py', '--fast'], [], false],
    ['coverage run --branch -m pytest', ['-m', 'pytest'], ['--branch'], true],
    ['python -m coverage run --data-file=x --source=pkg runtests.py', ['runtests.py'], ['--source=pkg'], false],
  ])('wraps %s', (command, target, options, pytest) => {
    expect(coverageTarget(command)).toEqual({ target, coverageOptions: options, pytest });
  });

  it.each([['make test'], ['npm test'], ['tox'], ['python'], ['python -m'], ['python -c "print(1)"'], ['coverage run'], ['coverage report'], ['  ']])(
    'refuses %s',
    (command) => {
      expect(coverageTarget(command)).toBeUndefined();
    },
  );
});

describe('pytest reports', () => {
  it('counts JUnit test cases, failures and errors, and ignores skipped ones', () => {
    const xml = `<?xml version="1.0"?><testsuites><testsuite name="pytest">
<testcase classname="tests.test_a" name="test_ok" time="0.1" />
<testcase classname="tests.test_a" name="test_bad[x&amp;y]" time="0.1"><failure message="boom">trace</failure></testcase>
<testcase classname="tests.test_b" name="test_skip"><skipped message="later" /></testcase>
<testcase classname="" name="tests.test_c"><error message="collection failure">ImportError</error></testcase>
</testsuite></testsuites>`;
    expect(parseJUnit(xml)).toEqual({
      passed: 1,
      failed: 2,
      failedTests: ['tests.test_a::test_bad[x&y]', '::tests.test_c'],
      found: true,
    });
  });

  it('reads the pytest summary line and the -rfE failure lines', () => {
    const output = 'FAILED tests/test_x.py::test_y - assert 1 == 2\nERROR tests/test_z.py\n==== 2 failed, 5 passed, 1 error in 0.52s ====\n';
    expect(parseSummary(output)).toEqual({
      passed: 5,
      failed: 3,
      failedTests: ['tests/test_x.py::test_y', 'tests/test_z.py'],
      found: true,
    });
  });

  it('reads a summary pytest coloured (--color=yes in the repository\'s own addopts)', () => {
    const output = '\u001b[31mFAILED\u001b[0m tests/test_x.py::test_y - assert 1 == 2\n\u001b[31m==== \u001b[31m\u001b[1m1 failed\u001b[0m, \u001b[32m4 passed\u001b[0m\u001b[31m in 0.52s\u001b[0m\u001b[31m ====\u001b[0m\n';
    expect(parseSummary(output)).toEqual({ passed: 4, failed: 1, failedTests: ['tests/test_x.py::test_y'], found: true });
  });

  it('reads unittest output', () => {
    expect(parseSummary('...\nRan 7 tests in 0.01s\n\nFAILED (failures=2, errors=1, skipped=1)\n')).toMatchObject({ passed: 3, failed: 3 });
    expect(parseSummary('Ran 1 test in 0.01s\n\nOK\n')).toMatchObject({ passed: 1, failed: 0 });
  });

  it('says when it found no summary', () => {
    expect(parseSummary('Segmentation fault').found).toBe(false);
  });
});

describe('coverage JSON', () => {
  it('keeps files inside the checkout with their executed and missing lines', () => {
    const json = JSON.stringify({
      files: {
        'pkg/a.py': { executed_lines: [3, 1], missing_lines: [5] },
        '/ws/pkg/b.py': { executed_lines: [], missing_lines: [] },
        '/usr/lib/python3/x.py': { executed_lines: [1], missing_lines: [] },
      },
    });
    expect(parseCoverageJson(json, '/ws')).toEqual([
      { path: 'pkg/a.py', lines: 3, covered: 2, pct: (2 / 3) * 100, uncoveredLines: [5], coveredLines: [1, 3] },
      { path: 'pkg/b.py', lines: 0, covered: 0, pct: 100, uncoveredLines: [], coveredLines: [] },
    ]);
  });

  it("takes coverage.py's summary figures and drops executed lines that are not statements (docstrings)", () => {
    const json = JSON.stringify({
      files: {
        'pkg/__init__.py': { executed_lines: [1], missing_lines: [], summary: { num_statements: 0, covered_lines: 0, percent_covered: 100 } },
        'pkg/m.py': {
          executed_lines: [1, 4, 5, 6],
          missing_lines: [8],
          summary: { num_statements: 3, covered_lines: 2, percent_covered: 62.5, num_branches: 2, covered_branches: 1 },
        },
      },
    });
    const statements = { 'pkg/__init__.py': [], 'pkg/m.py': [4, 6, 8] };
    expect(parseCoverageJson(json, '/ws', statements)).toEqual([
      { path: 'pkg/__init__.py', lines: 0, covered: 0, pct: 100, uncoveredLines: [], coveredLines: [] },
      { path: 'pkg/m.py', lines: 3, covered: 2, pct: 62.5, uncoveredLines: [8], coveredLines: [4, 6], branches: { total: 2, covered: 1 } },
    ]);
  });
});

describe('sphinx output', () => {
  it('turns warnings and errors into findings relative to the checkout', () => {
    const output = [
      '/ws/docs/index.rst:12: WARNING: toctree contains reference to nonexisting document',
      '/ws/pkg/mod.py:docstring of pkg.mod.f:3: ERROR: Unexpected indentation.',
      '/ws/docs/extra.rst: WARNING: document isn\'t included in any toctree',
      'build succeeded.',
    ].join('\n');
    expect(parseSphinx(output, '/ws')).toEqual([
      { path: 'docs/index.rst', line: 12, level: 'warning', message: 'toctree contains reference to nonexisting document', rule: 'sphinx-warning' },
      { path: 'pkg/mod.py', line: 3, level: 'failure', message: 'Unexpected indentation.', rule: 'sphinx-error' },
      { path: 'docs/extra.rst', line: 1, level: 'warning', message: "document isn't included in any toctree", rule: 'sphinx-warning' },
    ]);
  });
});
