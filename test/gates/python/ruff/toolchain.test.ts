import { describe, expect, it } from '@jest/globals';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRuffToolchain, ruffToolchain } from '../../../../src/gates/python/ruff/index.js';
import { createFlake8Toolchain } from '../../../../src/gates/python/flake8.js';
import { ConfigSchema, defaultConfig } from '../../../../src/config/schema.js';
import { judgeLint } from '../../../../src/gates/lint.js';
import { runGates } from '../../../../src/gates/run.js';
import { TOOLCHAINS } from '../../../../src/gates/toolchains.js';
import { ToolError } from '../../../../src/gates/types.js';
import { REPOS_DIR, fixtureWorkspace } from '../fixture.js';
import { keys, referenceFindings, wasmVersion } from './reference.js';

async function measure(name: string, edit?: (dir: string) => Promise<void>) {
  const ws = await fixtureWorkspace(name);
  try {
    await edit?.(ws.ctx.dir);
    return { ...(await ruffToolchain.measure(ws.ctx)), dir: ws.ctx.dir, config: ws.ctx.config };
  } finally {
    await ws.cleanup();
  }
}

const fixture = (name: string) => path.join(REPOS_DIR, name);

describe('ruff toolchain (WebAssembly build, real sandbox)', () => {
  it('is chosen over flake8 for a repository configured for ruff', async () => {
    const flake8 = createFlake8Toolchain();
    const config = defaultConfig();
    expect(await ruffToolchain.detect(fixture('py-ruff-select'), config)).toBe(true);
    expect(await flake8.detect(fixture('py-ruff-select'), config)).toBe(false);
    expect(await ruffToolchain.detect(fixture('py-pep8'), config)).toBe(false);
    expect(await flake8.detect(fixture('py-pep8'), config)).toBe(true);
  });

  it('applies a narrow select, an ignore list, the line length and # noqa exactly as ruff does', async () => {
    const m = await measure('py-ruff-select');
    const expected = await referenceFindings(
      fixture('py-ruff-select'),
      { 'line-length': 79, 'target-version': 'py39', lint: { select: ['E4', 'E7', 'E9', 'F'], ignore: ['E731', 'E741'] } },
      [{ path: 'src/calc/__init__.py' }, { path: 'src/calc/ops.py' }],
    );
    expect(keys(m.findings)).toEqual(expected);
    // What flake8's defaults failed such a repository for is gone; what the configuration selects stays.
    expect(m.findings.filter((f) => ['E731', 'E741', 'E501', 'W291'].includes(f.rule ?? ''))).toEqual([]);
    expect(keys(m.findings)).toEqual(expect.arrayContaining(['src/calc/ops.py:2:8:F401', 'src/calc/ops.py:19:12:F821']));
    // `import sys  # noqa: F401` and `import json  # noqa` stay silent; `add as add` is a re-export.
    expect(m.findings.filter((f) => f.path === 'src/calc/ops.py' && (f.line === 3 || f.line === 4))).toEqual([]);
    expect(m.findings.filter((f) => f.path === 'src/calc/__init__.py').map((f) => f.line)).toEqual([4]);
    expect(m.findings.every((f) => f.level === 'failure')).toBe(true);
    expect(m.filesChecked).toBe(2);
    expect(m.notes?.[0]).toBe(`ruff ${wasmVersion()} (WebAssembly build, @astral-sh/ruff-wasm-nodejs) with the configuration of pyproject.toml [tool.ruff].`);
  });

  it('applies per-file-ignores (a folder, a file name, a negated path), extend-select, extend-exclude and requires-python', async () => {
    const m = await measure('py-ruff-perfile');
    const settings = { 'line-length': 60, 'target-version': 'py38', lint: { select: ['E', 'F', 'W'], 'extend-select': ['B', 'UP'] } };
    const expected = await referenceFindings(fixture('py-ruff-perfile'), settings, [
      { path: 'src/pkg/__init__.py', drop: ['F401'] },
      { path: 'src/pkg/core.py' },
      { path: 'src/pkg/util.py', drop: ['B006'] },
      { path: 'tests/test_core.py', drop: ['E501'] },
    ]);
    expect(keys(m.findings)).toEqual(expected);
    expect(keys(m.findings)).toEqual(expect.arrayContaining(['src/pkg/core.py:4:36:B006', 'src/pkg/util.py:2:19:W291']));
    expect(m.findings.some((f) => f.path.startsWith('generated/'))).toBe(false);
    expect(m.filesChecked).toBe(4);
    expect(m.notes?.[0]).toContain('configuration of ruff.toml.');
  });

  it('follows `extend` to a shared file whose paths are relative to its own folder, the extending file winning', async () => {
    const m = await measure('py-ruff-extend');
    // Base: select E, F; ignore E501, E402. The pyproject extends it and selects E501 and W again.
    const settings = { 'line-length': 72, lint: { select: ['E', 'F', 'W'], ignore: ['E402'] } };
    const expected = await referenceFindings(fixture('py-ruff-extend'), settings, [{ path: 'app/main.py' }, { path: 'scripts/tool.py', drop: ['F401'] }]);
    expect(keys(m.findings)).toEqual(expected);
    expect(keys(m.findings)).toContain('app/main.py:9:73:E501');
    expect(m.findings.some((f) => f.path.startsWith('vendor/') || f.path.startsWith('scripts/'))).toBe(false);
    expect(m.notes?.[0]).toContain('pyproject.toml [tool.ruff], extending config/ruff-base.toml.');
  });

  it('uses the closest config file for a subfolder that brings its own, as ruff does', async () => {
    const m = await measure('py-ruff-perfile', async (dir) => {
      await writeFile(path.join(dir, 'tests', 'ruff.toml'), 'line-length = 200\n[lint]\nselect = ["F"]\n');
    });
    const tests = await referenceFindings(fixture('py-ruff-perfile'), { 'line-length': 200, lint: { select: ['F'] } }, [{ path: 'tests/test_core.py' }]);
    expect(keys(m.findings.filter((f) => f.path.startsWith('tests/')))).toEqual(tests);
    expect(m.notes?.[0]).toContain('in subfolders tests/ruff.toml');
  });

  it('is the lint gate\'s only Python toolchain for such a repository, and the summary says which ruff ran', async () => {
    const ws = await fixtureWorkspace('py-ruff-select');
    try {
      const [lint] = await runGates({ ...ws.ctx, toolchains: TOOLCHAINS, gates: ['lint'] });
      expect(lint?.toolchains).toEqual(['ruff']);
      expect(lint?.conclusion).toBe('failure');
      expect(lint?.metrics).toMatchObject({ errors: 5, warnings: 0, files_checked: 2 });
      expect(lint?.summary.split('\n')[0]).toMatch(/^ruff \d+\.\d+\.\d+ \(WebAssembly build, @astral-sh\/ruff-wasm-nodejs\) with the configuration of pyproject\.toml \[tool\.ruff\]\.$/);
    } finally {
      await ws.cleanup();
    }
  });

  it('counts only findings on changed lines with lint.scope: changed', async () => {
    const m = await measure('py-ruff-select');
    const config = ConfigSchema.parse({ lint: { scope: 'changed' } });
    const result = judgeLint(m, config, new Map([['src/calc/ops.py', new Set([19, 20])]]));
    expect(result.metrics).toMatchObject({ errors_in_diff: 1, errors: m.findings.length });
    expect(result.summary).toContain('ruff ');
  });

  it('says which ruff would have run when there is no Python file to lint', async () => {
    const m = await measure('py-ruff-select', (dir) => rm(path.join(dir, 'src'), { recursive: true }));
    expect(m).toMatchObject({ findings: [], filesChecked: 0 });
    expect(m.notes?.[0]).toContain(`ruff ${wasmVersion()} (WebAssembly build`);
  });

  it('fails with the file named when ruff rejects the configuration', async () => {
    const error = await measure('py-ruff-perfile', async (dir) => {
      await writeFile(path.join(dir, 'ruff.toml'), 'line-length = 0\n');
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).reason).toBe('config');
    expect((error as ToolError).message).toMatch(/configuration in ruff\.toml: .*line-length/);
  });

  it('fails with the file named when the configuration is not TOML or extends a file outside the repository', async () => {
    const broken = await measure('py-ruff-perfile', (dir) => writeFile(path.join(dir, 'ruff.toml'), '[lint\nselect = 1\n')).catch((caught: unknown) => caught);
    expect((broken as ToolError).message).toContain('ruff.toml cannot be used: it is not valid TOML');
    const outside = await measure('py-ruff-perfile', (dir) => writeFile(path.join(dir, 'ruff.toml'), 'extend = "../../../etc/ruff.toml"\n')).catch((caught: unknown) => caught);
    expect(outside).toBeInstanceOf(ToolError);
    expect((outside as ToolError).message).toContain('cannot be read inside the repository');
  });
});

describe('ruff toolchain (the repository\'s own ruff)', () => {
  it('runs .venv/bin/ruff when the install brought one, and reports its findings and version', async () => {
    const ws = await fixtureWorkspace('py-ruff-select');
    try {
      const bin = path.join(ws.ctx.dir, '.venv', 'bin');
      await mkdir(bin, { recursive: true });
      // A stand-in for a pinned ruff (PyPI is out of reach here): it answers as `ruff` does.
      const json = '[{"code":"F401","message":"`os` imported but unused","filename":"%s/src/calc/ops.py","location":{"row":2,"column":8},"end_location":{"row":2,"column":10}},' +
        '{"code":null,"message":"SyntaxError: Expected an expression","filename":"%s/src/calc/bad.py","location":{"row":1,"column":5},"end_location":{"row":3,"column":1}}]';
      await writeFile(path.join(bin, 'ruff'), [
        '#!/bin/sh',
        'echo "$*" >> ruff-args',
        'case "$*" in',
        '  --version) echo "ruff 0.4.2" ;;',
        '  *--show-files*) echo "$PWD/src/calc/ops.py"; echo "$PWD/src/calc/__init__.py" ;;',
        `  *) printf '${json}' "$PWD" "$PWD" ;;`,
        'esac',
        '',
      ].join('\n'));
      await chmod(path.join(bin, 'ruff'), 0o755);
      const m = await ruffToolchain.measure(ws.ctx);
      expect(m.findings).toEqual([
        { path: 'src/calc/ops.py', line: 2, column: 8, level: 'failure', message: '`os` imported but unused', rule: 'F401' },
        { path: 'src/calc/bad.py', line: 1, endLine: 3, column: 5, level: 'failure', message: 'SyntaxError: Expected an expression', rule: 'invalid-syntax' },
      ]);
      expect(m.filesChecked).toBe(2);
      expect(m.notes).toEqual(["ruff 0.4.2 (the repository's own, installed in .venv) read its configuration from pyproject.toml [tool.ruff]."]);
      const args = await readFile(path.join(ws.ctx.dir, 'ruff-args'), 'utf8');
      expect(args).toContain('check --output-format=json --exit-zero --no-fix --no-cache --force-exclude -- src\n');
      expect(args).not.toContain('.venv');
      // The WebAssembly build is used when asked, whatever the install brought.
      expect((await createRuffToolchain({ wasmOnly: true }).measure(ws.ctx)).notes?.[0]).toContain('WebAssembly');
    } finally {
      await ws.cleanup();
    }
  });

  it('fails with its output when the installed ruff rejects the configuration', async () => {
    const ws = await fixtureWorkspace('py-ruff-select');
    try {
      const bin = path.join(ws.ctx.dir, '.venv', 'bin');
      await mkdir(bin, { recursive: true });
      await writeFile(path.join(bin, 'ruff'), '#!/bin/sh\n[ "$1" = --version ] && { echo "ruff 0.4.2"; exit 0; }\necho "ruff failed: unknown field \\`selec\\`" >&2\nexit 2\n');
      await chmod(path.join(bin, 'ruff'), 0o755);
      const error = await ruffToolchain.measure(ws.ctx).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ToolError);
      expect((error as ToolError).message).toContain('ruff 0.4.2');
      expect((error as ToolError).output).toContain('unknown field');
    } finally {
      await ws.cleanup();
    }
  });
});
