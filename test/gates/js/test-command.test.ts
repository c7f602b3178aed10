import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigSchema } from '../../../src/config/schema.js';
import { isNpmTest, isPlainJestScript, outputTail, shellQuote, testCommand, usesJest, OUTPUT_TAIL_CHARS } from '../../../src/gates/js/test-command.js';

describe('test command helpers', () => {
  it.each([
    ['npm test', true],
    ['  npm run test ', true],
    ['npm t', true],
    ['npm run test:unit', false],
    ['yarn test', false],
  ])('treats %j as npm test: %s', (command, expected) => {
    expect(isNpmTest(command)).toBe(expected);
  });

  it.each([
    ['jest', true],
    ['jest --ci', true],
    ['NODE_OPTIONS=--experimental-vm-modules jest', true],
    ['npx jest', true],
    ['jest && eslint .', false],
    ['tsc; jest', false],
    ['node --test', false],
  ])('treats the script %j as a plain Jest call: %s', (script, expected) => {
    expect(isPlainJestScript(script)).toBe(expected);
  });

  it('quotes only words that need it', () => {
    expect(shellQuote('--coverageDirectory=/tmp/a/b')).toBe('--coverageDirectory=/tmp/a/b');
    expect(shellQuote("/tmp/it's here")).toBe(`'/tmp/it'\\''s here'`);
  });

  it('keeps the end of long output', () => {
    const long = 'x'.repeat(OUTPUT_TAIL_CHARS) + 'THE END';
    expect(outputTail(long).endsWith('THE END')).toBe(true);
    expect(outputTail(long).length).toBe(OUTPUT_TAIL_CHARS + 1);
    expect(outputTail('short')).toBe('short');
  });

  it('drops terminal colours a reporter printed into the pipe', () => {
    expect(outputTail('\u001b[4m\u001b[31mreadme.md\u001b[39m\u001b[24m\n \u001b[31merror\u001b[39m Cannot process file')).toBe('readme.md\n error Cannot process file');
  });

  it('defaults to npm test and honours coverage.command', () => {
    expect(testCommand(ConfigSchema.parse({}))).toBe('npm test');
    expect(testCommand(ConfigSchema.parse({ coverage: { command: 'npx mocha' } }))).toBe('npx mocha');
  });
});

describe('usesJest', () => {
  it.each([
    ['jest in deps and the test script', { devDependencies: { jest: '30' }, scripts: { test: 'jest' } }, undefined, true],
    ['jest in deps but node:test in the script', { devDependencies: { jest: '30' }, scripts: { test: 'node --test' } }, undefined, false],
    ['jest in the script but not in deps', { scripts: { test: 'jest' } }, undefined, false],
    ['a custom command calling jest', { devDependencies: { jest: '30' }, scripts: { test: 'node --test' } }, 'npx jest --ci', true],
  ])('%s → %s', async (_name, pkg, command, expected) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-jest-'));
    try {
      await writeFile(path.join(dir, 'package.json'), JSON.stringify(pkg));
      expect(await usesJest(dir, ConfigSchema.parse({ coverage: { command } }))).toBe(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
