import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseTypedocOutput, typedocEntry } from '../../../src/gates/js/typedoc.js';
import { FIXTURES } from '../helpers.js';

const DIR = path.join(FIXTURES, 'js-docs-fail');

describe('parseTypedocOutput', () => {
  it('reads logged warnings, locating "defined in" paths inside the checkout', async () => {
    const output = [
      '[warning] Shape, defined in docs-fail/src/shapes.ts, is referenced by area.shape but not included in the documentation',
      '[warning] Failed to resolve link to "Perimeter" in comment for area',
      '[info] nothing to see',
      '[warning] Found 0 errors and 2 warnings',
    ].join('\n');
    expect(await parseTypedocOutput(output, DIR, 'src/index.ts')).toEqual([
      {
        path: 'src/shapes.ts',
        line: 1,
        level: 'warning',
        message: 'Shape, defined in docs-fail/src/shapes.ts, is referenced by area.shape but not included in the documentation',
        rule: 'typedoc',
      },
      { path: 'src/index.ts', line: 1, level: 'warning', message: 'Failed to resolve link to "Perimeter" in comment for area', rule: 'typedoc' },
    ]);
  });

  it('reads compiler diagnostics with their position and strips colours', async () => {
    const output = "\u001b[96msrc/stack.ts\u001b[0m:\u001b[93m4\u001b[0m:\u001b[93m15\u001b[0m - \u001b[91merror\u001b[0m\u001b[90m TS2307: \u001b[0mCannot find module 'zod'.\n[error] Found 1 errors and 0 warnings";
    expect(await parseTypedocOutput(output, DIR, 'src/index.ts')).toEqual([
      { path: 'src/stack.ts', line: 4, column: 15, level: 'failure', message: "Cannot find module 'zod'.", rule: 'TS2307' },
    ]);
  });
});

describe('typedocEntry', () => {
  it('documents a JS entry through its hand-written declaration file when there is one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-typedoc-entry-'));
    try {
      await writeFile(path.join(dir, 'index.js'), 'export {visit} from "./lib/index.js"\n');
      await writeFile(path.join(dir, 'index.d.ts'), 'export {visit} from "./lib/index.js"\n');
      await writeFile(path.join(dir, 'other.mjs'), 'export const x = 1\n');
      expect(await typedocEntry(path.join(dir, 'index.js'))).toBe(path.join(dir, 'index.d.ts'));
      expect(await typedocEntry(path.join(dir, 'other.mjs'))).toBe(path.join(dir, 'other.mjs'));
      expect(await typedocEntry(path.join(dir, 'src.ts'))).toBe(path.join(dir, 'src.ts'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
