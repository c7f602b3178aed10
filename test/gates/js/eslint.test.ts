import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseEslintJson, repoEslintConfig } from '../../../src/gates/js/eslint.js';

describe('parseEslintJson', () => {
  it('turns severity 2 into failures, 1 into warnings and fatal parse errors into failures', () => {
    const json = [
      {
        filePath: '/ws/src/a.js',
        messages: [
          { ruleId: 'no-undef', severity: 2, message: "'x' is not defined.", line: 3, column: 5, endLine: 3 },
          { ruleId: 'no-console', severity: 1, message: 'Unexpected console statement.', line: 4, column: 1, endLine: 6 },
          { ruleId: null, severity: 2, fatal: true, message: 'Parsing error: Unexpected token', line: 9, column: 2 },
        ],
      },
      { filePath: '/ws/src/clean.js', messages: [] },
    ];
    expect(parseEslintJson(JSON.stringify(json), '/ws')).toEqual({
      filesChecked: 2,
      findings: [
        { path: 'src/a.js', line: 3, column: 5, level: 'failure', message: "'x' is not defined.", rule: 'no-undef' },
        { path: 'src/a.js', line: 4, column: 1, endLine: 6, level: 'warning', message: 'Unexpected console statement.', rule: 'no-console' },
        { path: 'src/a.js', line: 9, column: 2, level: 'failure', message: 'Parsing error: Unexpected token', rule: 'parse-error' },
      ],
    });
  });
});

describe('repoEslintConfig', () => {
  it.each([
    [{ 'eslint.config.mjs': 'export default [];' }, 'flat'],
    [{ '.eslintrc.json': '{}' }, 'legacy'],
    [{ 'package.json': '{"eslintConfig":{}}' }, 'legacy'],
    [{ 'package.json': '{}' }, undefined],
  ])('finds the repository config in %j: %s', async (files, expected) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-eslintcfg-'));
    try {
      for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
      expect(await repoEslintConfig(dir)).toBe(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
