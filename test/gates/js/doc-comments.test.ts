import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { collectDocItems } from '../../../src/gates/js/doc-comments.js';
import { FIXTURES } from '../helpers.js';

describe('collectDocItems', () => {
  it('follows re-exports and checks classes, public methods, interfaces, functions and constants', () => {
    const dir = path.join(FIXTURES, 'js-docs-fail');
    const items = collectDocItems(dir, [path.join(dir, 'src', 'index.ts')]);
    expect(items.map((i) => [i.path, i.name, i.kind, i.documented])).toEqual([
      ['src/index.ts', 'VERSION', 'const', true],
      ['src/shapes.ts', 'Shape', 'interface', false],
      ['src/shapes.ts', 'area', 'function', true],
      ['src/shapes.ts', 'perimeter', 'function', false],
      ['src/stack.ts', 'Stack', 'class', true],
      ['src/stack.ts', 'Stack.push', 'method', true],
      ['src/stack.ts', 'Stack.pop', 'method', false],
      ['src/stack.ts', 'Stack.peek', 'method', false],
    ]);
    expect(items.find((i) => i.name === 'perimeter')?.line).toBe(13);
  });

  it('reads JSDoc in JavaScript, ES modules and CommonJS alike', () => {
    const esm = path.join(FIXTURES, 'js-pass');
    expect(collectDocItems(esm, [path.join(esm, 'src', 'index.js')]).map((i) => [i.name, i.documented])).toEqual([
      ['parse', true],
      ['format', true],
      ['UNITS', true],
    ]);
    const cjs = path.join(FIXTURES, 'js-jest');
    expect(collectDocItems(cjs, [path.join(cjs, 'src', 'index.js')]).map((i) => [i.name, i.documented])).toEqual([
      ['words', true],
      ['frequencies', true],
    ]);
  });
});

describe('collectDocItems on JSDoc types', () => {
  it('counts a described @typedef as documented and a bare one as undocumented', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-typedef-'));
    const file = path.join(dir, 'index.js');
    await writeFile(
      file,
      [
        '/**',
        ' * One line of an invoice.',
        ' * @typedef {object} LineItem',
        ' * @property {number} quantity - How many.',
        ' */',
        '',
        '/** @typedef {{ id: string }} Bare */',
        '',
        'export const _internalTable = {};',
        '',
        '/**',
        ' * @param {LineItem} item - A line.',
        ' * @returns {number} Its quantity.',
        ' */',
        'export function quantity(item) {',
        '  return item.quantity;',
        '}',
        '',
      ].join('\n'),
    );
    const items = collectDocItems(dir, [file]).map((i) => [i.name, i.kind, i.documented]);
    expect(items).toEqual(
      expect.arrayContaining([
        ['LineItem', 'type', true],
        ['Bare', 'type', false],
        ['quantity', 'function', true],
      ]),
    );
    // Underscore-prefixed exports are private by convention and not counted.
    expect(items.some(([name]) => name === '_internalTable')).toBe(false);
  });
});

describe('collectDocItems on a checkout the tests have written to', () => {
  it('reads a source that links to a device or out of the checkout as missing, without hanging', async () => {
    const { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'qg-doc-links-'));
    try {
      mkdirSync(path.join(dir, 'src'));
      writeFileSync(path.join(dir, 'src', 'index.ts'), "/** Doc. */\nexport const a = 1;\nexport * from './zero.js';\nexport * from './host.js';\n");
      symlinkSync('/dev/zero', path.join(dir, 'src', 'zero.ts'));
      writeFileSync(path.join(os.tmpdir(), `${path.basename(dir)}-host.ts`), 'export const leaked = 1;\n');
      symlinkSync(path.join(os.tmpdir(), `${path.basename(dir)}-host.ts`), path.join(dir, 'src', 'host.ts'));
      expect(collectDocItems(dir, [path.join(dir, 'src', 'index.ts')]).map((i) => [i.path, i.name])).toEqual([['src/index.ts', 'a']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(path.join(os.tmpdir(), `${path.basename(dir)}-host.ts`), { force: true });
    }
  });
});
