/**
 * The engine end to end on real fixture repositories: real ESLint, c8, Jest, TypeDoc, in the real
 * (bubblewrap) sandbox. Slow-ish (seconds each); js-jest installs Jest from the registry once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runGates } from '../../src/gates/run.js';
import { parseChangedLines } from '../../src/gates/diff.js';
import type { GateName, GateResult } from '../../src/gates/types.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { fixtureContext, realSandbox } from './helpers.js';

let sandbox: Sandbox;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  sandbox = await realSandbox();
});

afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
});

async function run(name: string, gates?: GateName[], overrides: ConfigInput = {}, diff?: string): Promise<Record<string, GateResult>> {
  const { ctx, cleanup } = await fixtureContext(name, sandbox, overrides);
  cleanups.push(cleanup);
  const results = await runGates({ ...ctx, gates, changedLines: diff === undefined ? undefined : parseChangedLines(diff) });
  return Object.fromEntries(results.map((r) => [r.gate, r]));
}

describe('the gate engine on real repositories', () => {
  it('passes every gate on a clean, tested, documented library', async () => {
    const { lint, coverage, docs } = await run('js-pass');
    expect(lint).toMatchObject({ conclusion: 'success', toolchains: ['eslint'], metrics: { errors: 0, warnings: 0 } });
    expect(coverage).toMatchObject({ conclusion: 'success', toolchains: ['c8'], metrics: { tests_passed: 4, tests_failed: 0 } });
    expect(coverage?.metrics.lines_pct).toBeGreaterThanOrEqual(80);
    expect(coverage?.files?.map((f) => f.path)).toEqual(['src/index.js', 'src/units.js']);
    expect(docs).toMatchObject({ conclusion: 'success', toolchains: ['tsdoc', 'typedoc'], metrics: { documented_pct: 100, undocumented: 0, build_ok: true } });
  });

  it('fails the lint gate with the rules ESLint reported', async () => {
    const { lint } = await run('js-lint-fail', ['lint']);
    expect(lint?.conclusion).toBe('failure');
    expect(lint?.metrics.errors).toBeGreaterThanOrEqual(1);
    expect(lint?.findings.map((f) => [f.path, f.line, f.rule])).toEqual([
      ['src/index.js', 7, 'no-unused-vars'],
      ['src/index.js', 10, 'no-undef'],
    ]);
  });

  it("does not call the repository's eslint-disable comments unused under the bundled config", async () => {
    const { ctx, cleanup } = await fixtureContext('js-pass', sandbox);
    cleanups.push(cleanup);
    // Written for the linter the repository really uses (xo, standard): nothing here breaks those rules.
    await writeFile(path.join(ctx.dir, 'src', 'flags.js'), '/**\n * Both flags.\n */\n// eslint-disable-next-line no-bitwise\nexport const BOTH = 1 + 2;\n');
    const [lint] = await runGates({ ...ctx, gates: ['lint'] });
    expect(lint).toMatchObject({ conclusion: 'success', metrics: { errors: 0, warnings: 0 } });
  });

  it("judges lint and docs on the pushed files, not on what the tests' pretest build wrote", async () => {
    const { ctx, cleanup } = await fixtureContext('js-pass', sandbox);
    cleanups.push(cleanup);
    const pkgFile = path.join(ctx.dir, 'package.json');
    const pkg = JSON.parse(await readFile(pkgFile, 'utf8')) as { scripts: Record<string, string> };
    // A build step that rewrites the package's entry point: an undocumented export and an unused variable.
    pkg.scripts.pretest = `node -e "require('node:fs').appendFileSync('src/index.js', '\\nconst unused = 1;\\nexport function generated() { return 1; }\\n')"`;
    await writeFile(pkgFile, JSON.stringify(pkg));
    const pushedLines = (await readFile(path.join(ctx.dir, 'src', 'index.js'), 'utf8')).split('\n').length;
    const results = await runGates(ctx);
    expect(results.map((r) => [r.gate, r.conclusion])).toEqual([['lint', 'success'], ['coverage', 'success'], ['docs', 'success']]);
    expect(results.find((r) => r.gate === 'docs')?.metrics).toMatchObject({ documented_pct: 100, undocumented: 0 });
    // The build did run: the coverage gate measured the lines it added.
    const index = results.find((r) => r.gate === 'coverage')?.files?.find((f) => f.path === 'src/index.js');
    expect(Math.max(...(index?.uncoveredLines ?? []), ...(index?.coveredLines ?? []))).toBeGreaterThan(pushedLines);
  });

  it('counts only lint errors on changed lines when the scope is changed', async () => {
    const diff = '--- a/src/index.js\n+++ b/src/index.js\n@@ -10,1 +10,1 @@\n-  return total;\n+  return total + offset;\n';
    const { lint } = await run('js-lint-fail', ['lint'], { lint: { scope: 'changed' } }, diff);
    expect(lint?.metrics).toMatchObject({ errors: 2, errors_in_diff: 1 });
    expect(lint?.findings.find((f) => f.rule === 'no-undef')?.inDiff).toBe(true);
  });

  it('fails the coverage gate when line coverage is below min_lines, and flags uncovered changed lines', async () => {
    const diff = '--- a/src/index.js\n+++ b/src/index.js\n@@ -25,3 +25,3 @@\n-x\n-y\n-z\n+  if (c < -10) {\n+    return \'freezing\';\n+  }\n';
    const { coverage } = await run('js-coverage-fail', ['coverage'], {}, diff);
    expect(coverage?.conclusion).toBe('failure');
    expect(coverage?.metrics.lines_pct).toBeLessThan(80);
    expect(coverage?.metrics.patch_pct).toBe(0);
    expect(coverage?.findings.map((f) => [f.path, f.line, f.endLine, f.rule])).toEqual([['src/index.js', 25, 27, 'uncovered-line']]);
  });

  it('fails the coverage gate naming the failing test', async () => {
    const { coverage } = await run('js-tests-fail', ['coverage']);
    expect(coverage?.conclusion).toBe('failure');
    expect(coverage?.metrics).toMatchObject({ tests_passed: 1, tests_failed: 1 });
    expect(coverage?.summary).toContain('clamps to the upper bound');
    expect(coverage?.output).toContain('10 !== 11');
  });

  it('fails the docs gate on undocumented exports and TypeDoc warnings', async () => {
    const { docs } = await run('js-docs-fail', ['docs']);
    expect(docs?.conclusion).toBe('failure');
    expect(docs?.metrics).toMatchObject({ documented_pct: 50, undocumented: 4, build_ok: false });
    expect(docs?.findings.filter((f) => f.rule === 'undocumented-export').map((f) => f.message)).toContain('Exported method Stack.pop has no doc comment.');
    expect(docs?.findings.some((f) => f.rule === 'typedoc' && f.message.includes('Perimeter'))).toBe(true);
  });

  it('ends a test run that never finishes at its timeout with a failing gate that says why', async () => {
    const { lint, coverage } = await run('js-hang');
    expect(lint?.conclusion).toBe('skipped');
    expect(coverage).toMatchObject({ conclusion: 'failure', metrics: { error: 'timeout' } });
    expect(coverage?.summary).toMatch(/5 s time limit \(sandbox\.timeout\)/);
  });

  it("uses Jest's own V8 coverage for a Jest repository: a function no test calls is uncovered", async () => {
    const { coverage, lint } = await run('js-jest');
    expect(lint?.conclusion).toBe('success');
    expect(coverage).toMatchObject({ conclusion: 'success', toolchains: ['jest'], metrics: { tests_passed: 1, tests_failed: 0 } });
    const file = coverage?.files?.find((f) => f.path === 'src/index.js');
    expect(file?.uncoveredLines).toEqual(expect.arrayContaining([19, 20, 21, 22, 23]));
    expect(file?.pct).toBeLessThan(100);
  }, 180_000);
});
