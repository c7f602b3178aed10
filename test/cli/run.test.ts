import { describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { cliCacheDir, cliWorkspaceRoot, type CliIO } from '../../src/cli/run.js';
import type { GateResult } from '../../src/gates/types.js';

/** Carriage return and erase-line, as a terminal progress redraws. */
const CLEAR_LINE = '\r\u001b[K';

/** What a terminal shows of a written line: the text after its last redraw. */
function afterLastRedraw(line: string): string {
  const last = line.lastIndexOf(CLEAR_LINE);
  return last === -1 ? line : line.slice(last + CLEAR_LINE.length);
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples', 'invoice-calc');
const CONFIGS = path.join(ROOT, 'test', 'fixtures', 'configs');

const PNPM_LOCK = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      is-number:
        specifier: 7.0.0
        version: 7.0.0

packages:

  is-number@7.0.0:
    resolution: {integrity: sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==}
    engines: {node: '>=0.12.0'}

snapshots:

  is-number@7.0.0: {}
`;

function captureIO(env: NodeJS.ProcessEnv = process.env): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    env,
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

describe('quality-gates run', () => {
  it('prints a JSON array of gate results with the documented metric names', async () => {
    const io = captureIO();
    const code = await main(['run', EXAMPLE, '--format', 'json', '--only', 'lint,coverage'], io);
    const results = JSON.parse(io.out) as GateResult[];
    expect(results.map((result) => result.gate)).toEqual(['lint', 'coverage']);
    const [lint, coverage] = results;
    expect(lint?.metrics).toMatchObject({ errors: 0, warnings: 0 });
    expect(coverage?.metrics).toMatchObject({ tests_passed: 5, tests_failed: 0, lines_pct: 100 });
    expect(code).toBe(0);
  });

  it('prints a readable table and exits 1 when a gate fails', async () => {
    const io = captureIO();
    const code = await main(['run', EXAMPLE, '--only', 'docs', '--config', path.join(CONFIGS, 'valid-full.yml')], io);
    expect(io.out).toMatch(/^Gate\s+Verdict\s+Title/m);
    expect(io.out).toMatch(/^docs\s+(PASSED|FAILED)/m);
    expect(code).toBe(io.out.includes('FAILED') ? 1 : 0);
  });

  it.each([
    ['unknown-key.yml', /lint\.max_warning: unknown key; did you mean `max_warnings`\?/],
    ['syntax-error.yml', /syntax-error\.yml:\d+:\d+/],
    ['wrong-type.yml', /wrong-type\.yml:\d+:\d+/],
  ])('exits 2 and names file, line and key for the broken config %s', async (file, message) => {
    const io = captureIO();
    const code = await main(['run', EXAMPLE, '--config', path.join(CONFIGS, file)], io);
    expect(code).toBe(2);
    expect(io.err).toMatch(message);
    expect(io.out).toBe('');
  });

  it('shows on a terminal what it is doing: copying, each gate with its result, elapsed seconds', async () => {
    const io = Object.assign(captureIO(), { stderrIsTTY: true });
    const code = await main(['run', EXAMPLE, '--only', 'lint,coverage'], io);
    expect(code).toBe(0);
    const lines = io.err.split('\n').map(afterLastRedraw);
    expect(lines).toContainEqual(expect.stringMatching(/^✔ copying .*invoice-calc: \d+ files in \d+\.\ds$/));
    expect(lines).toContainEqual(expect.stringMatching(/^✔ lint gate: success, .* in \d+\.\ds$/));
    expect(lines).toContainEqual(expect.stringMatching(/^✔ coverage gate: success, 100% lines.* in \d+\.\ds$/));
    expect(lines).toContainEqual(expect.stringMatching(/^quality-gates: ran in \d+\.\ds$/));
    expect(io.out).toContain('coverage');
  });

  it('installs a pnpm repository with pnpm, names it in the progress, and runs a test script that calls pnpm', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-cli-pnpm-'));
    try {
      const manifest = { name: 'p', version: '1.0.0', packageManager: 'pnpm@9.15.9', dependencies: { 'is-number': '7.0.0' }, scripts: { test: 'pnpm run unit', unit: 'node --test' } };
      await writeFile(path.join(dir, 'package.json'), JSON.stringify(manifest));
      await writeFile(path.join(dir, 'pnpm-lock.yaml'), PNPM_LOCK);
      await writeFile(path.join(dir, 'index.js'), "const isNumber = require('is-number');\n\nmodule.exports = (value) => (isNumber(value) ? Number(value) * 2 : 0);\n");
      await mkdir(path.join(dir, 'test'));
      await writeFile(path.join(dir, 'test', 'index.test.js'), "const test = require('node:test');\nconst assert = require('node:assert');\nconst double = require('..');\n\ntest('doubles', () => assert.equal(double('2'), 4));\ntest('refuses words', () => assert.equal(double('x'), 0));\n");
      const io = Object.assign(captureIO(), { stderrIsTTY: true });
      const code = await main(['run', dir, '--only', 'coverage', '--format', 'text'], io);
      const lines = io.err.split('\n').map(afterLastRedraw);
      expect(lines).toContainEqual(expect.stringMatching(/^✔ installing dependencies with pnpm( \(pnpm install\))?: pnpm(, from the cache)? in \d+\.\ds$/));
      expect(lines).toContainEqual(expect.stringMatching(/^✔ coverage gate: success, 100% lines, 2 tests passed in \d+\.\ds$/));
      expect(code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('shows no progress with --format json on a terminal, nor on a stderr that is not a terminal', async () => {
    const json = Object.assign(captureIO(), { stderrIsTTY: true });
    await main(['run', EXAMPLE, '--format', 'json', '--only', 'docs'], json);
    expect(json.err).toBe('');
    const piped = Object.assign(captureIO(), { stderrIsTTY: false });
    await main(['run', EXAMPLE, '--only', 'docs'], piped);
    expect(piped.err).toBe('');
  });

  it('exits 2 for a directory that does not exist', async () => {
    const io = captureIO();
    expect(await main(['run', path.join(ROOT, 'no-such-dir')], io)).toBe(2);
    expect(io.err).toContain('no such directory');
  });

  it('exits 2 with the usage for an unknown command or option', async () => {
    const io = captureIO();
    expect(await main(['lint-everything'], io)).toBe(2);
    expect(io.err).toContain('unknown command "lint-everything"');
    expect(io.err).toContain('Usage:');
    const io2 = captureIO();
    expect(await main(['run', '--format', 'yaml'], io2)).toBe(2);
    expect(io2.err).toContain('--format must be text or json');
  });

  it('prints the version and the help', async () => {
    const io = captureIO();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = captureIO();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out).toContain('quality-gates run [DIR]');
  });

  it('refuses clearly when the sandbox is asked for and bubblewrap is missing', async () => {
    const io = captureIO({ ...process.env, QG_BWRAP: '/nonexistent/bwrap' });
    expect(await main(['run', EXAMPLE, '--only', 'lint'], io)).toBe(2);
    expect(io.err).toContain('bubblewrap sandbox cannot run here');
  });
});

describe('CLI locations', () => {
  it('keeps the cache out of /root when running as root, where the sandbox user cannot reach it', () => {
    expect(cliCacheDir({}, 0)).toBe('/var/cache/quality-gates');
    expect(cliCacheDir({ XDG_CACHE_HOME: '/home/dev/.cache' }, 1000)).toBe('/home/dev/.cache/quality-gates');
    expect(cliCacheDir({ QG_CACHE_DIR: '/srv/qg' }, 0)).toBe('/srv/qg');
    expect(cliWorkspaceRoot(1000)).toMatch(/quality-gates-1000$/);
  });
});

describe('quality-gates run --base', () => {
  it('adds patch coverage and diff-scoped findings for the lines changed since the base ref', async () => {
    const { cp, mkdtemp, writeFile, readFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const { execFileSync } = await import('node:child_process');
    const repo = await mkdtemp(path.join(os.tmpdir(), 'qg-cli-base-'));
    await cp(EXAMPLE, repo, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    // A new function no test calls: its lines are changed and uncovered.
    const money = path.join(repo, 'src', 'money.js');
    await writeFile(
      money,
      `${await readFile(money, 'utf8')}\n/**\n * Negates cents.\n * @param {number} cents - Cents.\n * @returns {number} The negation.\n */\nexport function negate(cents) {\n  const result = -cents;\n  return result;\n}\n`,
    );
    git('commit', '-qam', 'change');
    const io = captureIO();
    const code = await main(['run', repo, '--base', 'HEAD~1', '--format', 'json', '--only', 'coverage'], io);
    const [coverage] = JSON.parse(io.out) as GateResult[];
    // V8 counts the declaration line as run (the module evaluated it); the body never ran.
    expect(coverage?.metrics.patch_pct).toBe(25);
    expect(coverage?.findings.some((f) => f.path === 'src/money.js' && f.rule === 'uncovered-line')).toBe(true);
    expect(coverage?.conclusion).toBe('failure');
    expect(code).toBe(1);
  });
});
