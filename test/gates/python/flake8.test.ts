import { describe, expect, it } from '@jest/globals';
import { createFlake8Toolchain, flake8Level, parseFlake8 } from '../../../src/gates/python/flake8.js';
import { lintTargets } from '../../../src/gates/python/lint-targets.js';
import { ToolError } from '../../../src/gates/types.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { fixtureWorkspace, REPOS_DIR } from './fixture.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const flake8 = createFlake8Toolchain();

describe('flake8 output parsing', () => {
  it.each([
    ['E501', 'failure'],
    ['F401', 'failure'],
    ['C901', 'failure'],
    ['W291', 'warning'],
    ['W605', 'warning'],
    ['B008', 'warning'],
  ])('classifies %s as %s', (code, level) => {
    expect(flake8Level(code)).toBe(level);
  });

  it('keeps colons inside paths and skips lines that are not findings', () => {
    const output = './odd:dir/mod.py:3:7:E225:missing whitespace around operator\n0.1 seconds elapsed\n';
    expect(parseFlake8(output)).toEqual([
      { path: 'odd:dir/mod.py', line: 3, column: 7, level: 'failure', message: 'missing whitespace around operator', rule: 'E225' },
    ]);
  });
});

describe('flake8 toolchain', () => {
  it('detects Python repositories only, and leaves those configured for ruff alone', async () => {
    expect(await flake8.detect(path.join(REPOS_DIR, 'py-pep8'), defaultConfig())).toBe(true);
    expect(await flake8.detect(path.join(REPOS_DIR, 'py-ruff-select'), defaultConfig())).toBe(false);
  });

  it('honours the repository [flake8] config: max-line-length, extend-ignore and extend-exclude', async () => {
    const ws = await fixtureWorkspace('py-pep8');
    try {
      const { findings, filesChecked } = await flake8.measure(ws.ctx);
      const codes = findings.map((finding) => `${finding.path}:${String(finding.line)}:${finding.rule ?? ''}`);
      expect(codes.sort()).toEqual(['app/bad.py:16:E225', 'app/bad.py:16:W291', 'app/bad.py:18:E302', 'app/bad.py:2:F401']);
      // The 89-character line (E501 at 79) and the lambda (E731) are allowed by setup.cfg; generated/ is excluded.
      expect(findings.filter((finding) => finding.level === 'failure')).toHaveLength(3);
      expect(findings.filter((finding) => finding.level === 'warning')).toHaveLength(1);
      expect(filesChecked).toBe(3);
    } finally {
      await ws.cleanup();
    }
  });

  it('lints a black-formatted repository at its own line length, without black\'s slice spacing as an error', async () => {
    const ws = await fixtureWorkspace('py-black');
    try {
      const { findings } = await flake8.measure(ws.ctx);
      const codes = findings.map((finding) => `${finding.path}:${String(finding.line)}:${finding.rule ?? ''}`);
      // Lines of 92 and 96 columns pass at black's 100; the 108-column one does not; `items[start + 1 :]` is black's style.
      expect(codes.sort()).toEqual(['src/shapes/__init__.py:17:E501', 'src/shapes/__init__.py:2:F401']);
    } finally {
      await ws.cleanup();
    }
  });

  it('reports nothing on a PEP 8 clean package, whatever lies in its virtual environment', async () => {
    const ws = await fixtureWorkspace('py-pass');
    try {
      await mkdir(path.join(ws.ctx.dir, '.venv', 'lib'), { recursive: true });
      await writeFile(path.join(ws.ctx.dir, '.venv', 'lib', 'vendored.py'), 'import os\nx=1\n');
      expect((await flake8.measure(ws.ctx)).findings).toEqual([]);
    } finally {
      await ws.cleanup();
    }
  });

  it('throws a missing-tool error naming the Debian package when flake8 is not installed', async () => {
    const ws = await fixtureWorkspace('py-pass');
    try {
      const missing = createFlake8Toolchain({ program: 'flake8-not-installed' });
      const error = await missing.measure(ws.ctx).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ToolError);
      expect((error as ToolError).reason).toBe('missing');
      expect((error as ToolError).message).toContain('apt-get install -y flake8');
    } finally {
      await ws.cleanup();
    }
  });

  it('throws a crash error when flake8 fails on a broken repository config', async () => {
    const ws = await fixtureWorkspace('py-pass');
    try {
      await writeFile(path.join(ws.ctx.dir, '.flake8'), '[flake8]\nmax-line-length = not-a-number\n');
      const error = await flake8.measure(ws.ctx).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ToolError);
      expect((error as ToolError).reason).toBe('crash');
      expect((error as ToolError).output).toContain('not-a-number');
    } finally {
      await ws.cleanup();
    }
  });
});

describe('lintTargets', () => {
  it('leaves out virtual environments, the build/ copy pip install makes, and the npm dependencies of a JS+Python checkout', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-flake8-targets-'));
    try {
      for (const folder of ['.venv', 'venv', 'build/lib', 'node_modules/node-gyp/gyp', 'src/pkg', 'tests']) await mkdir(path.join(dir, folder), { recursive: true });
      await writeFile(path.join(dir, 'setup.py'), '');
      await writeFile(path.join(dir, 'README.md'), '');
      expect(await lintTargets(dir)).toEqual(['setup.py', 'src', 'tests']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

