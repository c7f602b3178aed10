import { describe, expect, it } from '@jest/globals';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDocstringsToolchain, docstringFiles, missingDocstringFinding, type DocstringItem } from '../../../src/gates/python/docstrings.js';
import { ConfigSchema, defaultConfig } from '../../../src/config/schema.js';
import { fixtureWorkspace, REPOS_DIR } from './fixture.js';

const docstrings = createDocstringsToolchain();

describe('docstring files', () => {
  it('leaves tests out of the public API', async () => {
    expect(await docstringFiles(path.join(REPOS_DIR, 'py-pass'), defaultConfig())).toEqual([
      'src/tinycalc/__init__.py',
      'src/tinycalc/calc.py',
    ]);
  });

  it('leaves a Sphinx conf.py under documentation/ out of the public API', async () => {
    const ws = await fixtureWorkspace('py-pass');
    try {
      await mkdir(path.join(ws.ctx.dir, 'documentation'));
      await writeFile(path.join(ws.ctx.dir, 'documentation', 'conf.py'), 'project = "x"\n');
      expect(await docstringFiles(ws.ctx.dir, defaultConfig())).toEqual(['src/tinycalc/__init__.py', 'src/tinycalc/calc.py']);
    } finally {
      await ws.cleanup();
    }
  });

  it('in a src/ layout, counts only src/; otherwise leaves noxfile, examples and benchmarks out', async () => {
    const ws = await fixtureWorkspace('py-pass');
    try {
      for (const file of ['bench.py', 'noxfile.py', 'examples/demo.py', 'benchmarks/run.py']) {
        await mkdir(path.dirname(path.join(ws.ctx.dir, file)), { recursive: true });
        await writeFile(path.join(ws.ctx.dir, file), 'def run():\n    pass\n');
      }
      expect(await docstringFiles(ws.ctx.dir, defaultConfig())).toEqual(['src/tinycalc/__init__.py', 'src/tinycalc/calc.py']);
      // A flat layout: the package sits at the root, and a root script may be part of it.
      const flat = await fixtureWorkspace('py-pass');
      try {
        await rename(path.join(flat.ctx.dir, 'src', 'tinycalc'), path.join(flat.ctx.dir, 'tinycalc'));
        await writeFile(path.join(flat.ctx.dir, 'bench.py'), 'def run():\n    pass\n');
        await mkdir(path.join(flat.ctx.dir, 'examples'));
        await writeFile(path.join(flat.ctx.dir, 'examples', 'demo.py'), 'def run():\n    pass\n');
        expect(await docstringFiles(flat.ctx.dir, defaultConfig())).toEqual(['bench.py', 'tinycalc/__init__.py', 'tinycalc/calc.py']);
      } finally {
        await flat.cleanup();
      }
    } finally {
      await ws.cleanup();
    }
  });

  it('takes docs.paths when configured', async () => {
    const config = ConfigSchema.parse({ docs: { paths: ['src/tinycalc/calc.py'] } });
    expect(await docstringFiles(path.join(REPOS_DIR, 'py-pass'), config)).toEqual(['src/tinycalc/calc.py']);
  });
});

describe('docstrings toolchain', () => {
  it('finds every public definition of a documented package documented', async () => {
    const ws = await fixtureWorkspace('py-pass');
    try {
      const { items } = await docstrings.measure(ws.ctx);
      // __init__ and _reset are private; the package, module, 2 functions, the class and its public method count.
      expect(items.map((item) => `${item.kind} ${item.name}`)).toEqual([
        'package tinycalc',
        'module tinycalc.calc',
        'function add',
        'function divide',
        'class Accumulator',
        'method Accumulator.push',
      ]);
      expect(items.every((item) => item.documented)).toBe(true);
    } finally {
      await ws.cleanup();
    }
  });

  it('reports each missing docstring with a pydocstyle code, skipping private names, setters and empty __init__.py', async () => {
    const ws = await fixtureWorkspace('py-nodocs');
    try {
      const items = (await docstrings.measure(ws.ctx)).items as DocstringItem[];
      const missing = items.filter((item) => !item.documented).map(missingDocstringFinding);
      expect(missing.map((finding) => `${finding.rule ?? ''} ${String(finding.line)}`)).toEqual([
        'D100 1',
        'D101 4',
        'D102 8',
        'D103 24',
      ]);
      expect(items.filter((item) => item.documented).map((item) => item.name)).toEqual(['Circle.diameter']);
      expect(missing[1]?.message).toBe('Missing docstring in public class `Circle` (PEP 257).');
    } finally {
      await ws.cleanup();
    }
  });

  it('honours __all__ and reports a file it cannot parse instead of failing', async () => {
    const ws = await fixtureWorkspace('py-nodocs');
    try {
      await writeFile(path.join(ws.ctx.dir, 'shapes', 'exported.py'), '"""Doc."""\n__all__ = ["shown"]\n\n\ndef shown():\n    pass\n\n\ndef hidden():\n    pass\n');
      await writeFile(path.join(ws.ctx.dir, 'shapes', 'broken.py'), 'def broken(:\n');
      const { items, buildFindings } = await docstrings.measure(ws.ctx);
      const names = items.filter((item) => item.path === 'shapes/exported.py').map((item) => item.name);
      expect(names).toEqual(['shapes.exported', 'shown']);
      expect(buildFindings).toHaveLength(1);
      expect(buildFindings[0]?.path).toBe('shapes/broken.py');
    } finally {
      await ws.cleanup();
    }
  });

  it('judges an overloaded function by its implementation and names a src-layout module without src.', async () => {
    const ws = await fixtureWorkspace('py-nodocs');
    try {
      const pkg = path.join(ws.ctx.dir, 'src', 'signing');
      await mkdir(pkg, { recursive: true });
      await writeFile(path.join(pkg, '__init__.py'), 'X = 1\n');
      const overloads = [
        '"""Signing."""',
        'import typing as t',
        '',
        '',
        '@t.overload',
        'def unsign(value: str) -> str: ...',
        '@t.overload',
        'def unsign(value: bytes) -> bytes: ...',
        'def unsign(value):',
        '    """Remove the signature."""',
        '    return value',
        '',
      ];
      await writeFile(path.join(pkg, 'timed.py'), overloads.join('\n'));
      const items = (await docstrings.measure(ws.ctx)).items.filter((item) => item.path.startsWith('src/'));
      expect(items.map((item) => [item.name, item.line, item.documented])).toEqual([
        ['signing', 1, false],
        ['signing.timed', 1, true],
        ['unsign', 9, true],
      ]);
    } finally {
      await ws.cleanup();
    }
  });
});
