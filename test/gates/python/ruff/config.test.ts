import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeConfig, resolveRuffConfig } from '../../../../src/gates/python/ruff/config.js';
import { findRuffConfig } from '../../../../src/gates/python/ruff/layers.js';
import { entryApplies, matchesPath } from '../../../../src/gates/python/ruff/patterns.js';
import { targetFromRequiresPython } from '../../../../src/gates/python/ruff/requires-python.js';
import { configuresFlake8, pythonLinter } from '../../../../src/gates/python/linter-choice.js';
import { ToolError } from '../../../../src/gates/types.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-ruffcfg-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

async function resolve(files: Record<string, string>, start = '') {
  const dir = await repo(files);
  const file = await findRuffConfig(dir, path.join(dir, start));
  if (file === undefined) throw new Error('no config');
  return { dir, config: await resolveRuffConfig(dir, file) };
}

describe('which Python linter a repository is configured for', () => {
  it.each([
    ['ruff', { 'pyproject.toml': '[tool.ruff]\nline-length = 100\n' }],
    ['ruff', { 'ruff.toml': '', 'setup.py': '' }],
    ['ruff', { '.ruff.toml': '[lint]\nselect = ["F"]\n', 'setup.cfg': '[metadata]\nname = x\n' }],
    ['flake8', { 'pyproject.toml': '[tool.ruff]\n', '.flake8': '[flake8]\n' }],
    ['flake8', { 'ruff.toml': '', 'tox.ini': '[flake8]\nmax-line-length = 100\n' }],
    ['flake8', { 'pyproject.toml': '[project]\nname = "x"\n[tool.black]\n' }],
    ['flake8', { 'pyproject.toml': '[tool.ruff\nbroken' }],
  ])('%s for %j', async (linter, files) => {
    expect(await pythonLinter(await repo(files))).toBe(linter);
  });

  it('reads [flake8] only as a section of its own', async () => {
    expect(await configuresFlake8(await repo({ 'setup.cfg': '[tool:pytest]\n# [flake8] is elsewhere\n' }))).toBe(false);
  });
});

describe('resolveRuffConfig', () => {
  it('prefers .ruff.toml over ruff.toml over pyproject.toml in one folder', async () => {
    const { config } = await resolve({ '.ruff.toml': 'line-length = 1\n', 'ruff.toml': 'line-length = 2\n', 'pyproject.toml': '[tool.ruff]\nline-length = 3\n' });
    expect(config.files).toEqual(['.ruff.toml']);
    expect(config.settings['line-length']).toBe(1);
  });

  it('moves the deprecated top-level lint settings into lint, the lint table winning, and leaves out path settings', async () => {
    const { config } = await resolve({
      'pyproject.toml': [
        '[tool.ruff]', 'select = ["E"]', 'ignore = ["E501"]', 'line-length = 99', 'exclude = ["x"]', 'required-version = ">=0.1"',
        '[tool.ruff.isort]', 'force-single-line = true',
        '[tool.ruff.lint]', 'select = ["F"]', 'per-file-ignores = { "a.py" = ["F401"] }',
        '[tool.ruff.lint.isort]', 'known-first-party = ["app"]', '',
      ].join('\n'),
    });
    expect(config.settings).toEqual({
      'line-length': 99,
      lint: { select: ['F'], 'extend-select': [], ignore: ['E501'], isort: { 'force-single-line': true, 'known-first-party': ['app'] } },
    });
    expect(config.perFileIgnores.map((e) => [e.matcher.pattern, e.value])).toEqual([['a.py', ['F401']]]);
  });

  it('takes the lint table\'s per-file-ignores whole over the deprecated top-level ones', async () => {
    const { config } = await resolve({ 'ruff.toml': '[per-file-ignores]\n"a.py" = ["E"]\n[lint.per-file-ignores]\n"b.py" = ["F"]\n' });
    expect(config.perFileIgnores.map((e) => e.matcher.pattern)).toEqual(['b.py']);
  });

  it('merges an extend chain: the extending file wins, extend-exclude and extend-per-file-ignores add up, paths stay relative to their file', async () => {
    const { dir, config } = await resolve({
      'pyproject.toml': '[tool.ruff]\nextend = "cfg/base.toml"\nextend-exclude = ["gen"]\n[tool.ruff.lint]\nextend-per-file-ignores = { "t/*" = ["D"] }\n',
      'cfg/base.toml': 'extend = "core.toml"\nline-length = 100\nextend-exclude = ["old/gen.py"]\n[lint]\nextend-per-file-ignores = { "../s/*" = ["F"] }\n',
      'cfg/core.toml': 'line-length = 120\ntarget-version = "py310"\n[lint]\nselect = ["E"]\n',
    });
    expect(config.files).toEqual(['pyproject.toml', 'cfg/base.toml', 'cfg/core.toml']);
    expect(describeConfig(config)).toBe('pyproject.toml [tool.ruff], extending cfg/base.toml, then cfg/core.toml');
    expect(config.settings).toMatchObject({ 'line-length': 100, 'target-version': 'py310', lint: { select: ['E'] } });
    const excluded = (rel: string) => config.exclude.some((m) => matchesPath(m, path.join(dir, rel)));
    expect([excluded('gen'), excluded('cfg/old/gen.py'), excluded('old/gen.py'), excluded('a/.venv'), excluded('src')]).toEqual([true, true, false, true, false]);
    const ignored = (rel: string) => config.perFileIgnores.filter((e) => entryApplies(e, path.join(dir, rel))).flatMap((e) => e.value);
    expect([ignored('s/x.py'), ignored('t/y.py'), ignored('cfg/s/x.py')]).toEqual([['F'], ['D'], []]);
  });

  it('applies rule selections layer by layer: a later select starts afresh, a later extend-select re-enables what an earlier ignore dropped', async () => {
    const fresh = await resolve({ 'ruff.toml': 'extend = "b.toml"\n[lint]\nselect = ["F"]\n', 'b.toml': '[lint]\nextend-select = ["W"]\nignore = ["E501"]\n' });
    expect(fresh.config.settings.lint).toEqual({ select: ['F'], 'extend-select': [], ignore: [] });
    const layered = await resolve({ 'ruff.toml': 'extend = "b.toml"\n[lint]\nextend-select = ["E501"]\nignore = ["W"]\n', 'b.toml': '[lint]\nselect = ["E", "W291"]\nignore = ["E501", "E402"]\n' });
    expect(layered.config.settings.lint).toEqual({ select: ['E'], 'extend-select': ['E501'], ignore: ['E402', 'W'] });
  });

  it('negates a per-file-ignores pattern with !, and matches a pattern without a folder against the file name anywhere', async () => {
    const { dir, config } = await resolve({ 'ruff.toml': '[lint.per-file-ignores]\n"!src/core.py" = ["B006"]\n"__init__.py" = ["F401"]\n' });
    const ignored = (rel: string) => config.perFileIgnores.filter((e) => entryApplies(e, path.join(dir, rel))).flatMap((e) => e.value);
    expect([ignored('src/core.py'), ignored('src/util.py'), ignored('a/b/__init__.py')]).toEqual([[], ['B006'], ['B006', 'F401']]);
  });

  it('hands the modules of the src folders to isort as first-party, as ruff finds them on disk', async () => {
    const defaults = await resolve({ 'pyproject.toml': '[tool.ruff.lint.isort]\nknown-first-party = ["extra"]\n', 'src/pkg/__init__.py': '', 'tool.py': '', 'stub.pyi': '', '.hidden/x.py': '', 'my-app/a.py': '' });
    expect(defaults.config.settings.lint).toMatchObject({ isort: { 'known-first-party': ['extra', 'pkg', 'src', 'stub', 'tool'] } });
    const own = await resolve({ 'ruff.toml': 'src = ["lib", "../outside"]\n', 'lib/core/__init__.py': '', 'src/other/__init__.py': '' });
    expect(own.config.settings.lint).toMatchObject({ isort: { 'known-first-party': ['core'] } });
    expect(own.config.settings).not.toHaveProperty('src');
  });

  it('infers target-version from requires-python next to the config file when none is set', async () => {
    expect((await resolve({ 'ruff.toml': '', 'pyproject.toml': '[project]\nrequires-python = ">=3.10"\n' })).config.settings['target-version']).toBe('py310');
    expect((await resolve({ 'pyproject.toml': '[project]\nrequires-python = ">=3.10"\n[tool.ruff]\ntarget-version = "py312"\n' })).config.settings['target-version']).toBe('py312');
  });

  it.each([
    ['>=3.9', 'py39'],
    ['>=3.8, <4', 'py38'],
    ['~=3.11', 'py311'],
    ['>3.9', 'py39'], // 3.9.1 is admitted: the lower bound's minor version
    ['>3.9.1', 'py39'],
    ['~=3.10.2', 'py310'],
    ['<3.10, >=3.8', 'py38'],
    ['==3.12.*', 'py312'],
    ['!=3.7.*, >=3.7', 'py38'],
    ['>=2.7', 'py37'], // ruff's oldest
    ['', undefined],
    [42, undefined],
  ])('requires-python %j → %s', (spec, target) => {
    expect(targetFromRequiresPython(spec)).toBe(target);
  });

  it.each([
    ['a cycle', { 'ruff.toml': 'extend = "b.toml"\n', 'b.toml': 'extend = "ruff.toml"\n' }, 'goes round in a circle'],
    ['a home-relative extend', { 'ruff.toml': 'extend = "~/ruff.toml"\n' }, 'no ~ or environment variables'],
    ['a pyproject without [tool.ruff] extended', { 'ruff.toml': 'extend = "other/pyproject.toml"\n', 'other/pyproject.toml': '[project]\n' }, 'no [tool.ruff] table'],
    ['select that is not a list', { 'ruff.toml': '[lint]\nselect = "E"\n' }, '`select` must be a list of strings'],
    ['a bad glob', { 'ruff.toml': 'exclude = ["[abc"]\n' }, 'unclosed character class'],
    ['per-file-ignores that is not a table', { 'ruff.toml': '[lint]\nper-file-ignores = ["a"]\n' }, 'must be a table of file patterns'],
  ])('rejects %s with the file named', async (_what, files, message) => {
    const error = await resolve(files).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).reason).toBe('config');
    expect((error as ToolError).message).toContain(message);
    expect((error as ToolError).message).toMatch(/ruff's configuration in \S+ cannot be used/);
  });
});
