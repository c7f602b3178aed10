import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { planLint } from '../../../../src/gates/python/ruff/files.js';
import { wasmFindings, wasmJob, WASM_SOURCE_NAME } from '../../../../src/gates/python/ruff/wasm.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-rufffiles-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

describe('planLint', () => {
  it('walks as ruff does: default excludes, the engine\'s own folders, no links; stubs and notebooks set apart', async () => {
    const dir = await repo({
      'ruff.toml': '',
      'a.py': '',
      'pkg/b.py': '',
      'pkg/types.pyi': '',
      'nb.ipynb': '{}',
      'README.md': '',
      '.venv/lib/x.py': '',
      'build/lib/a.py': '',
      'src/dist/c.py': '',
      '.quality-gates/r.py': '',
      'pkg/.tox/d.py': '',
    });
    await symlink(path.join(dir, 'pkg'), path.join(dir, 'linked'));
    const plan = await planLint(dir, path.join(dir, 'ruff.toml'));
    expect(plan.files.map((f) => f.path)).toEqual(['a.py', 'pkg/b.py']);
    expect(plan.otherFiles).toEqual(['nb.ipynb', 'pkg/types.pyi']);
  });

  it('lints only what `include` names and skips `lint.exclude`, both replacing or adding to the defaults as configured', async () => {
    const dir = await repo({
      'ruff.toml': 'include = ["src/**/*.py"]\nexclude = []\n[lint]\nexclude = ["src/gen_*.py"]\n',
      'src/a.py': '',
      'src/gen_b.py': '',
      'tools/c.py': '',
      'src/.tox/d.py': '',
    });
    const plan = await planLint(dir, path.join(dir, 'ruff.toml'));
    expect(plan.files.map((f) => f.path)).toEqual(['src/.tox/d.py', 'src/a.py']);
  });

  it('gives each file its per-file ignores and Python version', async () => {
    const dir = await repo({
      'ruff.toml': 'per-file-target-version = { "legacy/*" = "py37" }\n[lint.per-file-ignores]\n"tests/*" = ["S101", "E501"]\n"test_*.py" = ["S101"]\n',
      'tests/test_a.py': '',
      'legacy/old.py': '',
      'main.py': '',
    });
    const plan = await planLint(dir, path.join(dir, 'ruff.toml'));
    expect(plan.files).toEqual([
      { path: 'legacy/old.py', config: 0, ignores: [], targetVersion: 'py37' },
      { path: 'main.py', config: 0, ignores: [] },
      { path: 'tests/test_a.py', config: 0, ignores: ['E501', 'S101'] },
    ]);
    const job = wasmJob(plan);
    // One ruff Workspace per distinct settings: the per-file ignores reach ruff under the build's file name.
    expect(job.workspaces).toHaveLength(3);
    expect(job.files.map((f) => f.workspace)).toEqual([0, 1, 2]);
    expect(job.workspaces[0]).toMatchObject({ 'target-version': 'py37' });
    expect(job.workspaces[2]).toMatchObject({ lint: { 'per-file-ignores': { [WASM_SOURCE_NAME]: ['E501', 'S101'] } } });
    expect(job.workspaces[1]).not.toHaveProperty('target-version');
  });
});

describe('wasmFindings', () => {
  it('turns diagnostics into error findings, with an end line only when it differs', () => {
    expect(
      wasmFindings([
        { path: 'a.py', code: 'F401', message: 'unused', row: 1, column: 8, endRow: 1, endColumn: 10 },
        { path: 'b.py', code: 'invalid-syntax', message: 'Expected', row: 2, column: 1, endRow: 4, endColumn: 1 },
      ]),
    ).toEqual([
      { path: 'a.py', line: 1, column: 8, level: 'failure', message: 'unused', rule: 'F401' },
      { path: 'b.py', line: 2, endLine: 4, column: 1, level: 'failure', message: 'Expected', rule: 'invalid-syntax' },
    ]);
  });
});
