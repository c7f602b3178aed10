import { describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertModulesPresent, createCoveragePyToolchain } from '../../../src/gates/python/coveragepy.js';
import { ToolError, type CoverageMeasurement, type FileCoverage } from '../../../src/gates/types.js';
import { fixtureWorkspace } from './fixture.js';

const coverage = createCoveragePyToolchain();

function linesPct(files: FileCoverage[]): number {
  const lines = files.reduce((sum, file) => sum + file.lines, 0);
  const covered = files.reduce((sum, file) => sum + file.covered, 0);
  return lines === 0 ? 100 : (covered / lines) * 100;
}

async function measure(name: string, prepare?: (dir: string) => Promise<void>): Promise<CoverageMeasurement> {
  const ws = await fixtureWorkspace(name);
  try {
    await prepare?.(ws.ctx.dir);
    return await coverage.measure(ws.ctx);
  } finally {
    await ws.cleanup();
  }
}

describe('coverage.py toolchain', () => {
  it('measures a passing src-layout package: all tests pass, tests themselves not counted', async () => {
    const result = await measure('py-pass');
    expect(result.testsPassed).toBe(4);
    expect(result.testsFailed).toBe(0);
    expect(result.files.map((file) => file.path)).toEqual(['src/tinycalc/__init__.py', 'src/tinycalc/calc.py']);
    expect(linesPct(result.files)).toBeGreaterThanOrEqual(80);
  });

  it('measures the same with pytest-cov in the pytest addopts, which would otherwise take the tracer', async () => {
    const plain = await measure('py-pass');
    const withCov = await measure('py-pass', async (dir) => {
      const pyproject = path.join(dir, 'pyproject.toml');
      await writeFile(pyproject, (await readFile(pyproject, 'utf8')).replace('testpaths = ["tests"]', 'testpaths = ["tests"]\naddopts = "--cov=tinycalc --cov-report=term-missing"'));
    });
    expect(withCov.testsPassed).toBe(4);
    expect(linesPct(withCov.files)).toBeGreaterThanOrEqual(80);
    expect(withCov.files).toEqual(plain.files);
  });

  it('reports per-line data of a poorly tested package', async () => {
    const result = await measure('py-lowcov');
    const summary = result.files.find((file) => file.path === 'stats/summary.py');
    expect(summary).toBeDefined();
    expect(summary?.coveredLines).toContain(6);
    expect(summary?.uncoveredLines).toContain(11);
    expect(summary?.lines).toBe((summary?.coveredLines.length ?? 0) + (summary?.uncoveredLines.length ?? 0));
    expect(linesPct(result.files)).toBeLessThan(50);
    expect(result.testsPassed).toBe(1);
  });

  it('names the failing tests and counts passes and failures', async () => {
    const result = await measure('py-tests-fail');
    expect(result.testsPassed).toBe(2);
    expect(result.testsFailed).toBe(2);
    expect(result.failedTests).toEqual(['tests/test_greet.py::test_shout', 'tests/test_greet.py::TestEdges::test_unicode_name']);
    expect(result.output).toContain('2 failed, 2 passed');
  });

  it('runs a configured python command under coverage', async () => {
    const ws = await fixtureWorkspace('py-pass', { coverage: { command: 'python -m pytest -k add' } });
    try {
      const result = await coverage.measure(ws.ctx);
      expect(result.testsPassed).toBe(1);
    } finally {
      await ws.cleanup();
    }
  });

  it('reads unittest output when the command is not pytest', async () => {
    const ws = await fixtureWorkspace('py-pass', { coverage: { command: 'python -m unittest discover -s tests -p unit_*.py' } });
    try {
      const unit = 'import unittest\nfrom tinycalc import add\n\n\nclass T(unittest.TestCase):\n    def test_ok(self):\n        self.assertEqual(add(1, 1), 2)\n\n    def test_bad(self):\n        self.assertEqual(add(1, 1), 3)\n';
      await writeFile(path.join(ws.ctx.dir, 'tests', 'unit_calc.py'), unit);
      const result = await coverage.measure(ws.ctx);
      expect(result).toMatchObject({ testsPassed: 1, testsFailed: 1 });
      expect(result.files.find((file) => file.path === 'src/tinycalc/calc.py')?.coveredLines).toContain(6);
    } finally {
      await ws.cleanup();
    }
  });

  it('runs pytest for Python when a repository with both languages sets a JavaScript command', async () => {
    const ws = await fixtureWorkspace('py-pass', { language: 'both', coverage: { command: 'npm test' } });
    try {
      expect((await coverage.measure(ws.ctx)).testsPassed).toBe(4);
    } finally {
      await ws.cleanup();
    }
  });

  it('names the Debian package when coverage or pytest cannot be imported', () => {
    expect(() => { assertModulesPresent("/usr/bin/python3: No module named coverage"); }).toThrow('apt-get install -y python3-coverage');
    expect(() => { assertModulesPresent("ModuleNotFoundError: No module named 'pytest'"); }).toThrow('python3-pytest');
    expect(() => { assertModulesPresent('No module named requests'); }).not.toThrow();
  });

  it('refuses a test command coverage.py cannot wrap', async () => {
    const ws = await fixtureWorkspace('py-pass', { coverage: { command: 'make test' } });
    try {
      const error = await coverage.measure(ws.ctx).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ToolError);
      expect((error as ToolError).message).toContain('not a Python command');
    } finally {
      await ws.cleanup();
    }
  });

  it('fails with pip output when a requirement cannot be installed', async () => {
    const error = await measure('py-pass', (dir) =>
      writeFile(path.join(dir, 'requirements.txt'), 'quality-gates-no-such-package==9.9.9\n'),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).reason).toBe('install');
    expect((error as ToolError).output).toContain('quality-gates-no-such-package');
  });

  it('turns a crashing test run into a tool error with its output', async () => {
    const error = await measure('py-pass', (dir) => writeFile(path.join(dir, 'tests', 'conftest.py'), 'import nonexistent_module_xyz\n')).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).reason).toBe('crash');
    expect((error as ToolError).output).toContain('nonexistent_module_xyz');
  });
});

describe('coverage.py figures', () => {
  it('counts statements as coverage.py does: a docstring is executed but is not a statement', async () => {
    // `coverage report`: shapes/__init__.py 0 statements; shapes/kinds.py 6 statements, 1 missed (line 16).
    const result = await measure('py-docstrings');
    expect(result.files.map((file) => [file.path, file.lines, file.covered])).toEqual([
      ['shapes/__init__.py', 0, 0],
      ['shapes/kinds.py', 6, 5],
    ]);
    const kinds = result.files[1];
    expect(kinds?.coveredLines).toEqual([7, 9, 12, 14, 15]);
    expect(kinds?.uncoveredLines).toEqual([16]);
    expect(kinds?.pct).toBeCloseTo((5 / 6) * 100, 5);
    expect(kinds?.branches).toBeUndefined();
  });

  it('counts branches in the total when the repository turns branch coverage on', async () => {
    const result = await measure('py-docstrings', async (dir) => {
      await writeFile(path.join(dir, '.coveragerc'), '[run]\nbranch = True\nomit = tests/*\n');
    });
    const kinds = result.files.find((file) => file.path === 'shapes/kinds.py');
    expect(kinds?.branches).toEqual({ total: 2, covered: 1 });
    // coverage.py's own percent: (5 statements + 1 branch) / (6 + 2).
    expect(kinds?.pct).toBeCloseTo(75, 5);
  });
});
