/**
 * A generated pure-Python package for lint benchmarks: `modules` modules of about 200 lines each
 * (functions, a class, docstrings, imports), a few deliberate findings per module (an unused import,
 * an over-long line, a lambda assigned to a name), and a `pyproject.toml` whose `[tool.ruff]` section is
 * included or left out, so the same sources are linted by ruff or by flake8.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The ruff configuration of the generated package. */
export const BENCH_RUFF_CONFIG = [
  '[tool.ruff]',
  'line-length = 88',
  '',
  '[tool.ruff.lint]',
  'select = ["E", "F", "W", "B", "UP"]',
  'ignore = ["E731"]',
  '',
  '[tool.ruff.lint.per-file-ignores]',
  '"tests/*" = ["E501"]',
  '',
].join('\n');

function moduleSource(i: number): string {
  const lines = [`"""Module ${String(i)} of the generated benchmark package."""`, 'import os', 'import re', '', ''];
  lines.push(`square_${String(i)} = lambda x: x * x`, '', '');
  for (let f = 0; f < 12; f++) {
    lines.push(
      `def compute_${String(i)}_${String(f)}(values, factor=2):`,
      `    """Scale the values by factor and keep those matching the pattern."""`,
      '    result = []',
      '    for value in values:',
      '        scaled = value * factor',
      '        if scaled % 3 == 0:',
      '            result.append(scaled)',
      '        elif re.match(r"^\\d+$", str(scaled)):',
      '            result.append(-scaled)',
      '    return result',
      '',
      '',
    );
  }
  lines.push(
    `class Shape${String(i)}:`,
    '    """A shape with a name and an area."""',
    '',
    '    def __init__(self, name, width, height):',
    '        self.name = name',
    '        self.width = width',
    '        self.height = height',
    '',
    '    def area(self):',
    '        """The area."""',
    '        return self.width * self.height',
    '',
    '    def describe(self):',
    '        """A sentence about the shape, longer than the line length allows for this package."""',
    `        return "shape %s has an area of %d square units, measured carefully" % (self.name, self.area())`,
    '',
  );
  return lines.join('\n');
}

/**
 * Writes the package into `dir` (which must exist).
 * @param dir The repository root.
 * @param modules How many modules (≈ 190 lines each).
 * @param ruff Whether `pyproject.toml` configures ruff.
 * @returns The number of Python lines written.
 */
export async function generatePythonPackage(dir: string, modules: number, ruff: boolean): Promise<number> {
  const pkg = path.join(dir, 'src', 'benchpkg');
  await mkdir(pkg, { recursive: true });
  await mkdir(path.join(dir, 'tests'), { recursive: true });
  await writeFile(path.join(dir, 'pyproject.toml'), `[project]\nname = "benchpkg"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n\n${ruff ? BENCH_RUFF_CONFIG : ''}`);
  await writeFile(path.join(pkg, '__init__.py'), '"""The generated benchmark package."""\n');
  let lines = 1;
  for (let i = 0; i < modules; i++) {
    const source = moduleSource(i);
    lines += source.split('\n').length;
    await writeFile(path.join(pkg, `mod${String(i)}.py`), source);
  }
  const test = 'from benchpkg.mod0 import compute_0_0\n\n\ndef test_compute():\n    assert compute_0_0([3, 4]) == [6, -8], "scaling keeps the multiples of three and negates the rest"\n';
  await writeFile(path.join(dir, 'tests', 'test_mod0.py'), test);
  return lines + test.split('\n').length;
}
