import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigSchema } from '../../../src/config/schema.js';
import { DEFAULT_ESLINT_CONFIG, eslintToolchain } from '../../../src/gates/js/eslint.js';
import { ToolError } from '../../../src/gates/types.js';
import type { Sandbox, SandboxCommand, SandboxResult } from '../../../src/sandbox/types.js';
import { fixtureContext, realSandbox } from '../helpers.js';

/** A sandbox that records the command and plays a canned ESLint: which ESLint runs is what these tests check. */
function scripted(exitCode: number, report?: string): Sandbox & { commands: SandboxCommand[] } {
  const commands: SandboxCommand[] = [];
  return {
    kind: 'none',
    commands,
    async run(command): Promise<SandboxResult> {
      commands.push(command);
      const out = command.argv[command.argv.indexOf('--output-file') + 1];
      if (report !== undefined && out !== undefined) await writeFile(out, report);
      return { exitCode, signal: null, stdout: '', stderr: exitCode === 2 ? 'Oops! Something went wrong!' : '', timedOut: false, aborted: false, outputTruncated: false, droppedBytes: 0, durationMs: 1 };
    },
  };
}

let dir: string;
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function repo(files: Record<string, string>): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'qg-eslint-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const ctx = (sandbox: Sandbox) => ({ dir, config: ConfigSchema.parse({}), sandbox, cacheDir: '/cache' });

describe('eslintToolchain.measure', () => {
  it("runs the repository's own ESLint with its flat config when both are there", async () => {
    await repo({ 'package.json': '{}', 'eslint.config.js': 'export default [];', 'node_modules/eslint/bin/eslint.js': '' });
    const sandbox = scripted(0, '[]');
    await expect(eslintToolchain.measure(ctx(sandbox))).resolves.toEqual({ findings: [], filesChecked: 0 });
    expect(sandbox.commands[0]?.argv[1]).toBe(path.join(dir, 'node_modules/eslint/bin/eslint.js'));
    expect(sandbox.commands[0]?.argv).not.toContain('--config');
    expect(sandbox.commands[0]?.network).toBe(false);
  });

  it('tells an older ESLint to read a legacy eslintrc', async () => {
    await repo({ 'package.json': '{}', '.eslintrc.json': '{}', 'node_modules/eslint/bin/eslint.js': '' });
    const sandbox = scripted(1, '[]');
    await eslintToolchain.measure(ctx(sandbox));
    expect(sandbox.commands[0]?.env).toMatchObject({ ESLINT_USE_FLAT_CONFIG: 'false' });
  });

  it('asks an eslintrc-mode ESLint for TypeScript files too when its config is for TypeScript', async () => {
    await repo({ 'package.json': '{}', '.eslintrc.yml': 'parser: "@typescript-eslint/parser"\n', 'node_modules/eslint/bin/eslint.js': '' });
    const sandbox = scripted(0, '[]');
    await eslintToolchain.measure(ctx(sandbox));
    const argv = sandbox.commands[0]?.argv ?? [];
    expect(argv[argv.indexOf('--ext') + 1]).toBe('.js,.jsx,.cjs,.mjs,.ts,.tsx,.cts,.mts');
    // A JavaScript config gets the JavaScript extensions only: TypeScript would not parse under it.
    await writeFile(path.join(dir, '.eslintrc.yml'), 'extends: eslint:recommended\n');
    await eslintToolchain.measure(ctx(sandbox));
    const again = sandbox.commands[1]?.argv ?? [];
    expect(again[again.indexOf('--ext') + 1]).toBe('.js,.jsx,.cjs,.mjs');
  });

  it('leaves out --no-error-on-unmatched-pattern for an ESLint older than 6.8, which refuses it', async () => {
    await repo({ 'package.json': '{"eslintConfig":{"parser":"@typescript-eslint/parser"}}', 'node_modules/eslint/bin/eslint.js': '', 'node_modules/eslint/package.json': '{"version":"6.6.0"}' });
    const sandbox = scripted(0, '[]');
    await eslintToolchain.measure(ctx(sandbox));
    expect(sandbox.commands[0]?.argv).not.toContain('--no-error-on-unmatched-pattern');
    expect(sandbox.commands[0]?.argv).toContain('.js,.jsx,.cjs,.mjs,.ts,.tsx,.cts,.mts');
    await writeFile(path.join(dir, 'node_modules/eslint/package.json'), '{"version":"6.8.0"}');
    await eslintToolchain.measure(ctx(sandbox));
    expect(sandbox.commands[1]?.argv).toContain('--no-error-on-unmatched-pattern');
  });

  it("finds the repository's own ESLint in a cached node_modules that is mounted only in the sandbox", async () => {
    await repo({ 'package.json': '{}', '.eslintrc.json': '{}', 'cache/eslint/bin/eslint.js': '', 'cache/eslint/package.json': '{"version":"6.6.0"}' });
    const sandbox = scripted(0, '[]');
    const mounts = [{ source: path.join(dir, 'cache'), target: path.join(dir, 'node_modules'), readOnly: true }];
    await eslintToolchain.measure({ ...ctx(sandbox), mounts });
    // Run where the sandbox sees it, with the flags its version takes: the same as with a cold cache.
    expect(sandbox.commands[0]?.argv[1]).toBe(path.join(dir, 'node_modules/eslint/bin/eslint.js'));
    expect(sandbox.commands[0]?.argv).not.toContain(DEFAULT_ESLINT_CONFIG);
    expect(sandbox.commands[0]?.argv).not.toContain('--no-error-on-unmatched-pattern');
  });

  it('uses the bundled ESLint and default config when the repository has a config but no ESLint installed', async () => {
    await repo({ 'package.json': '{}', 'eslint.config.js': 'export default [];' });
    const sandbox = scripted(0, '[]');
    await eslintToolchain.measure(ctx(sandbox));
    expect(sandbox.commands[0]?.argv).toContain(DEFAULT_ESLINT_CONFIG);
  });

  it("drops the bundled config's complaints about rules of plugins the repository's own config would load, and keeps its own", async () => {
    await repo({ 'package.json': '{}' });
    const file = path.join(dir, 'src/defu.ts');
    const report = JSON.stringify([
      {
        filePath: file,
        messages: [
          { ruleId: 'unicorn/no-array-reduce', severity: 2, message: "Definition for rule 'unicorn/no-array-reduce' was not found.", line: 47, column: 5 },
          { ruleId: 'no-var', severity: 2, message: 'Unexpected var, use let or const instead.', line: 3, column: 1 },
        ],
      },
    ]);
    const measured = await eslintToolchain.measure(ctx(scripted(1, report)));
    expect(measured.findings.map((f) => f.rule)).toEqual(['no-var']);
  });

  it("keeps the unknown-rule complaints of the repository's own ESLint (its config is the one to fix)", async () => {
    await repo({ 'package.json': '{}', 'eslint.config.js': 'export default [];', 'node_modules/eslint/bin/eslint.js': '' });
    const report = JSON.stringify([
      { filePath: path.join(dir, 'a.js'), messages: [{ ruleId: 'x/y', severity: 2, message: "Definition for rule 'x/y' was not found.", line: 1, column: 1 }] },
    ]);
    const measured = await eslintToolchain.measure(ctx(scripted(1, report)));
    expect(measured.findings).toHaveLength(1);
  });

  it("needs the npm install only when it runs the repository's own ESLint", async () => {
    await repo({ 'package.json': '{"devDependencies":{"oxlint":"1"}}' });
    expect(await eslintToolchain.install?.needed(dir, ConfigSchema.parse({}))).toBe(false);
    await writeFile(path.join(dir, 'eslint.config.js'), 'export default [];');
    expect(await eslintToolchain.install?.needed(dir, ConfigSchema.parse({}))).toBe(true);
  });

  it('fails with the output when ESLint exits with 2 (bad config or crash)', async () => {
    await repo({ 'package.json': '{}' });
    const error = await eslintToolchain.measure(ctx(scripted(2))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).output).toContain('Oops! Something went wrong!');
  });

  it('fails when ESLint wrote no readable report', async () => {
    await repo({ 'package.json': '{}' });
    await expect(eslintToolchain.measure(ctx(scripted(1, '{ truncated')))).rejects.toThrow(/JSON report is missing or unreadable/);
  });
});

/**
 * Makes the fixture depend on the linter `name` and installs a stand-in for it: a package whose `bin`
 * is `bin` with `source` as its program.
 */
async function installLinter(dir: string, name: string, version: string, bin: string, source: string): Promise<void> {
  const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, devDependencies: { [name]: `^${version}` } }));
  const program = path.join(dir, 'node_modules', name, bin);
  await mkdir(path.dirname(program), { recursive: true });
  await writeFile(path.join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version, bin: { [name]: bin } }));
  await writeFile(program, source);
}

describe('eslintToolchain with xo', () => {
  it("runs the repository's xo, in the sandbox, and reads its JSON report", async () => {
    const { ctx: fixture, cleanup } = await fixtureContext('js-pass', await realSandbox());
    try {
      // A stand-in for xo's CLI: what `xo --reporter=json` prints, exiting 1 as xo does on errors.
      await installLinter(
        fixture.dir,
        'xo',
        '0.54.0',
        './cli.js',
        "if (process.argv[2] !== '--reporter=json') process.exit(2);\n" +
          "process.stdout.write(JSON.stringify([{ filePath: process.cwd() + '/src/index.js', messages: [{ ruleId: 'unicorn/prefer-at', severity: 2, message: 'Prefer .at().', line: 3, column: 9 }], suppressedMessages: [] }]));\n" +
          'process.exit(1);\n',
      );
      expect(await eslintToolchain.install?.needed(fixture.dir, fixture.config)).toBe(true);
      const measured = await eslintToolchain.measure(fixture);
      expect(measured.findings).toEqual([{ path: 'src/index.js', line: 3, column: 9, level: 'failure', message: 'Prefer .at().', rule: 'unicorn/prefer-at' }]);
    } finally {
      await cleanup();
    }
  });
});

describe('eslintToolchain with standard', () => {
  it("runs the repository's standard and reads its text report, warnings and parsing errors included", async () => {
    const { ctx: fixture, cleanup } = await fixtureContext('js-pass', await realSandbox());
    try {
      // A stand-in for standard 17: its banner on stderr, one line per problem on stdout, exit 1.
      await installLinter(
        fixture.dir,
        'standard',
        '17.0.0',
        'bin/cmd.js',
        "const f = process.cwd() + '/src/index.js';\n" +
          "console.error('standard: Use JavaScript Standard Style (https://standardjs.com)');\n" +
          "console.log(`  ${f}:1:1: Unexpected var, use let or const instead. (no-var) (warning)`);\n" +
          "console.log(`  ${f}:1:5: 'x' is assigned a value but never used. (no-unused-vars)`);\n" +
          "console.log(`  ${f}:9:2: Parsing error: Unexpected token )`);\n" +
          'process.exit(1);\n',
      );
      expect(await eslintToolchain.install?.needed(fixture.dir, fixture.config)).toBe(true);
      const measured = await eslintToolchain.measure(fixture);
      expect(measured.findings).toEqual([
        { path: 'src/index.js', line: 1, column: 1, level: 'warning', message: 'Unexpected var, use let or const instead.', rule: 'no-var' },
        { path: 'src/index.js', line: 1, column: 5, level: 'failure', message: "'x' is assigned a value but never used.", rule: 'no-unused-vars' },
        { path: 'src/index.js', line: 9, column: 2, level: 'failure', message: 'Parsing error: Unexpected token )', rule: 'parse-error' },
      ]);
      // Every JavaScript file it looked at, not only those with problems.
      expect(measured.filesChecked).toBeGreaterThan(1);
      // A standard that fails without naming a problem (a bad option, a missing plugin) is a tool error.
      await writeFile(path.join(fixture.dir, 'node_modules', 'standard', 'bin', 'cmd.js'), "console.error('Error: Cannot find module eslint-plugin-x'); process.exit(1);\n");
      await expect(eslintToolchain.measure(fixture)).rejects.toThrow(/standard failed without reporting a problem/);
    } finally {
      await cleanup();
    }
  });
});

describe('eslintToolchain.detect', () => {
  it.each([
    ['auto', { 'package.json': '{}' }, true],
    ['auto', { 'setup.py': '' }, false],
    ['javascript', { 'setup.py': '' }, true],
    ['both', {}, true],
    ['python', { 'package.json': '{}' }, false],
  ] as const)('with language %s and files %j: %s', async (language, files, expected) => {
    await repo(files);
    expect(await eslintToolchain.detect(dir, ConfigSchema.parse({ language }))).toBe(expected);
  });
});
