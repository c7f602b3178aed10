import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSandbox, DEFAULT_LIMITS, DirectSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { DependencyCache } from '../../src/workspace/cache.js';
import { installDependencies, trustEnvironment } from '../../src/workspace/install.js';
import { createWorkspace } from '../../src/workspace/workspace.js';
import { chownTree } from '../sandbox/helpers.js';

const IS_NUMBER_LOCK = {
  name: 'uses-is-number',
  version: '1.0.0',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': { name: 'uses-is-number', version: '1.0.0', dependencies: { 'is-number': '7.0.0' } },
    'node_modules/is-number': {
      version: '7.0.0',
      resolved: 'https://registry.npmjs.org/is-number/-/is-number-7.0.0.tgz',
      integrity: 'sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==',
      license: 'MIT',
      engines: { node: '>=0.12.0' },
    },
  },
};

let root: string;
let sandbox: Sandbox;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'qg-install-'));
  await chmod(root, 0o711);
  sandbox = await createSandbox({ mode: 'bubblewrap', limits: { timeoutMs: 120_000 } });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A workspace holding the given files, owned by the sandbox's user as an extracted checkout would be. */
async function checkout(files: Record<string, unknown>) {
  const workspace = await createWorkspace(path.join(root, 'ws'));
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(workspace.dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  await chownTree(workspace.dir);
  return workspace;
}

const isNumberRepo = {
  'package.json': { name: 'uses-is-number', version: '1.0.0', dependencies: { 'is-number': '7.0.0' } },
  'package-lock.json': IS_NUMBER_LOCK,
};

describe('installDependencies', () => {
  it('does nothing for a repository without dependencies', async () => {
    const workspace = await checkout({ 'package.json': { name: 'bare', scripts: { test: 'node --test' } } });
    const cache = new DependencyCache(path.join(root, 'cache-bare'));
    const result = await installDependencies({ dir: workspace.dir, sandbox, cache });
    expect(result).toMatchObject({ ok: true, tool: 'none', cached: false, mounts: [] });
  });

  it('does nothing for a folder without package.json', async () => {
    const workspace = await checkout({});
    const result = await installDependencies({ dir: workspace.dir, sandbox, cache: new DependencyCache(path.join(root, 'cache-none')) });
    expect(result.tool).toBe('none');
  });

  it('fails clearly on a package.json that is not JSON', async () => {
    const workspace = await checkout({ 'package.json': '{ nope' });
    const result = await installDependencies({ dir: workspace.dir, sandbox, cache: new DependencyCache(path.join(root, 'cache-bad')) });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/package.json is not valid JSON/);
  });

  it('installs with npm ci from the lockfile, then serves the second run from the cache, read-only', async () => {
    const cache = new DependencyCache(path.join(root, 'cache-npm'));
    const first = await checkout(isNumberRepo);
    const cold = await installDependencies({ dir: first.dir, sandbox, cache });
    expect(cold).toMatchObject({ ok: true, tool: 'npm', cached: false });
    expect(cold.mounts).toEqual([expect.objectContaining({ target: path.join(first.dir, 'node_modules'), readOnly: true })]);

    const second = await checkout(isNumberRepo);
    const warm = await installDependencies({ dir: second.dir, sandbox, cache });
    expect(warm).toMatchObject({ ok: true, tool: 'npm', cached: true });
    expect(warm.mounts[0]?.source).toBe(cold.mounts[0]?.source);
    expect(existsSync(path.join(second.dir, 'node_modules', 'is-number'))).toBe(false);

    const script = "console.log(require('is-number')(5)); require('fs').writeFileSync('node_modules/is-number/index.js', 'x')";
    const test = await sandbox.run({ argv: ['node', '-e', script], cwd: second.dir, workspace: second.dir, mounts: warm.mounts });
    expect(test.stdout.trim()).toBe('true');
    expect(test.stderr).toContain('EROFS');
    const cached = await readFile(path.join(warm.mounts[0]?.source ?? '', 'is-number', 'index.js'), 'utf8');
    expect(cached).toContain('module.exports = function(num)');

    // Tools keep caches in node_modules/.cache (AVA stops without one): a private, writable folder
    // there, which the cached tree never sees.
    const cacheWriter = "const fs = require('fs'); fs.mkdirSync('node_modules/.cache/ava', { recursive: true }); fs.writeFileSync('node_modules/.cache/ava/x', 'y'); fs.mkdirSync('node_modules/.vite/deps', { recursive: true }); console.log('wrote')";
    const tool = await sandbox.run({ argv: ['node', '-e', cacheWriter], cwd: second.dir, workspace: second.dir, mounts: warm.mounts });
    expect(tool.stderr).toBe('');
    expect(tool.stdout.trim()).toBe('wrote');
    expect(existsSync(path.join(warm.mounts[0]?.source ?? '', '.cache', 'ava'))).toBe(false);
    expect(existsSync(path.join(warm.mounts[0]?.source ?? '', '.vite', 'deps'))).toBe(false);
  });

  it('reports a failing install command with its output', async () => {
    const workspace = await checkout(isNumberRepo);
    const cache = new DependencyCache(path.join(root, 'cache-fail'));
    const result = await installDependencies({ dir: workspace.dir, sandbox, cache, command: 'echo registry unreachable >&2; exit 3' });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/exit 3[\s\S]*registry unreachable/);
    expect(result.mounts).toEqual([]);
  });

  it('never caches an install that runs scripts of the repository itself', async () => {
    const repo = {
      'package.json': { name: 'scripted', dependencies: { 'is-number': '7.0.0' }, scripts: { postinstall: 'node build.js' } },
    };
    const cache = new DependencyCache(path.join(root, 'cache-scripted'));
    const command = 'mkdir -p node_modules/is-number && echo "module.exports = 1" > node_modules/is-number/index.js';
    for (let run = 0; run < 2; run++) {
      const workspace = await checkout(repo);
      const result = await installDependencies({ dir: workspace.dir, sandbox, cache, command });
      expect(result).toMatchObject({ ok: true, cached: false, mounts: [] });
      expect(existsSync(path.join(workspace.dir, 'node_modules', 'is-number', 'index.js'))).toBe(true);
    }
  });

  it('copies cached dependencies into the checkout when the sandbox is off (no mounts there)', async () => {
    const direct = new DirectSandbox(DEFAULT_LIMITS);
    const repo = { 'package.json': { name: 'direct', devDependencies: { 'is-number': '7.0.0' } } };
    const cache = new DependencyCache(path.join(root, 'cache-direct'));
    const command = 'mkdir -p node_modules/is-number && echo "module.exports = 1" > node_modules/is-number/index.js';
    const first = await checkout(repo);
    expect(await installDependencies({ dir: first.dir, sandbox: direct, cache, command })).toMatchObject({ ok: true, cached: false, mounts: [] });
    const second = await checkout(repo);
    const warm = await installDependencies({ dir: second.dir, sandbox: direct, cache, command });
    expect(warm).toMatchObject({ ok: true, cached: true, mounts: [] });
    expect(existsSync(path.join(second.dir, 'node_modules', 'is-number', 'index.js'))).toBe(true);
  });
});

describe('installDependencies with a configured command', () => {
  it('runs the command even when package.json declares no dependencies, and caches nothing it did not produce', async () => {
    const workspace = await checkout({ 'package.json': { name: 'bare' } });
    const cache = new DependencyCache(path.join(root, 'cache-custom'));
    const result = await installDependencies({ dir: workspace.dir, sandbox, cache, command: 'echo built > built.txt' });
    expect(result).toMatchObject({ ok: true, tool: 'npm', cached: false, mounts: [] });
    expect(await readFile(path.join(workspace.dir, 'built.txt'), 'utf8')).toBe('built\n');
  });

  it('installs again without strict peers when npm finds peer conflicts in a repository without an npm lockfile', async () => {
    const commands: string[] = [];
    const fake: Sandbox = {
      kind: 'none',
      run: (command) => {
        commands.push(command.argv.join(' '));
        const conflict = commands.length === 1;
        return Promise.resolve({
          exitCode: conflict ? 1 : 0,
          signal: null,
          stdout: '',
          stderr: conflict ? 'npm error code ERESOLVE\nnpm error ERESOLVE unable to resolve dependency tree\n' : '',
          durationMs: 1,
          timedOut: false,
          aborted: false,
          outputTruncated: false,
          droppedBytes: 0,
        });
      },
    };
    const dir = await mkdtemp(path.join(root, 'pnpm-'));
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ devDependencies: { unbuild: '^3.6.1', typescript: '^6.0.2' } }));
    const result = await installDependencies({ dir, sandbox: fake, cache: new DependencyCache(path.join(dir, 'cache')) });
    expect(result.ok).toBe(true);
    expect(commands).toEqual([
      'sh -c npm install --no-audit --no-fund --no-update-notifier',
      'sh -c npm install --no-audit --no-fund --no-update-notifier --legacy-peer-deps',
    ]);
  });

});

describe('installDependencies with pnpm and Yarn', () => {
  // These fetch pnpm and Yarn from the public npm registry through the sandbox. Where the registry cannot
  // be reached from there (no network, or TLS interception the sandbox's npm does not trust), the install
  // must fail clearly instead; that is what gets checked then.
  const REGISTRY_UNREACHABLE = /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET/;

  const PNPM_LOCK = [
    "lockfileVersion: '9.0'",
    '',
    'settings:',
    '  autoInstallPeers: true',
    '  excludeLinksFromLockfile: false',
    '',
    'importers:',
    '',
    '  .:',
    '    dependencies:',
    '      is-number:',
    '        specifier: 7.0.0',
    '        version: 7.0.0',
    '',
    'packages:',
    '',
    '  is-number@7.0.0:',
    `    resolution: {integrity: ${IS_NUMBER_LOCK.packages['node_modules/is-number'].integrity}}`,
    "    engines: {node: '>=0.12.0'}",
    '',
    'snapshots:',
    '',
    '  is-number@7.0.0: {}',
    '',
  ].join('\n');
  const YARN1_LOCK = [
    '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.',
    '# yarn lockfile v1',
    '',
    '',
    'is-number@7.0.0:',
    '  version "7.0.0"',
    '  resolved "https://registry.yarnpkg.com/is-number/-/is-number-7.0.0.tgz#7535345b896734d5f80c4d06c50955527a14f12b"',
    `  integrity ${IS_NUMBER_LOCK.packages['node_modules/is-number'].integrity}`,
    '',
  ].join('\n');
  const BERRY_LOCK = [
    '# This file is generated by running "yarn install" inside your project.',
    '# Manual changes might be lost - proceed with caution!',
    '',
    '__metadata:',
    '  version: 8',
    '  cacheKey: 10c0',
    '',
    '"is-number@npm:7.0.0":',
    '  version: 7.0.0',
    '  resolution: "is-number@npm:7.0.0"',
    '  checksum: 10c0/b4686d0d3053146095ccd45346461bc8e53b80aeb7671cc52a4de02dbbf7dc0d1d2a986e2fe4ae206984b4d34ef37e8b795ebc4f4295c978373e6575e295d811',
    '  languageName: node',
    '  linkType: hard',
    '',
    '"uses-is-number@workspace:.":',
    '  version: 0.0.0-use.local',
    '  resolution: "uses-is-number@workspace:."',
    '  dependencies:',
    '    is-number: "npm:7.0.0"',
    '  languageName: unknown',
    '  linkType: soft',
    '',
  ].join('\n');
  const unit = "node -e \"console.log('unit', require('is-number')(4), process.env.npm_config_user_agent)\"";

  /** Installs `repo` cold, then a second checkout of it from the cache, and runs `npm test` there offline. */
  async function coldThenWarm(repo: Record<string, unknown>, cacheName: string) {
    const cache = new DependencyCache(path.join(root, cacheName));
    const first = await checkout(repo);
    const cold = await installDependencies({ dir: first.dir, sandbox, cache });
    const second = await checkout(repo);
    const warm = cold.ok ? await installDependencies({ dir: second.dir, sandbox, cache }) : undefined;
    const test = warm === undefined ? undefined : await sandbox.run({ argv: ['npm', 'test'], cwd: second.dir, workspace: second.dir, mounts: warm.mounts, network: false });
    return { cold, warm, test, firstDir: first.dir };
  }

  it('installs a pnpm repository with pnpm from pnpm-lock.yaml, frozen, and its pnpm script runs offline from the cache', async () => {
    const { cold, warm, test, firstDir } = await coldThenWarm({
      'package.json': { ...isNumberRepo['package.json'], packageManager: 'pnpm@9.15.9', scripts: { test: 'pnpm run unit', unit } },
      'pnpm-lock.yaml': PNPM_LOCK,
    }, 'cache-pnpm');
    if (!cold.ok && REGISTRY_UNREACHABLE.test(cold.output)) return;
    expect(cold).toMatchObject({ ok: true, cached: false, tool: 'pnpm' });
    expect(cold.output).toContain('pnpm@9.15.9 installed for the repository\'s scripts (packageManager in package.json)');
    // pnpm's own layout: the package is a link into node_modules/.pnpm.
    expect(existsSync(path.join(firstDir, 'node_modules', '.pnpm', 'is-number@7.0.0'))).toBe(true);
    expect(warm).toMatchObject({ ok: true, cached: true, tool: 'pnpm' });
    expect(test?.exitCode).toBe(0);
    expect(test?.stdout).toMatch(/unit true pnpm\/9\.15\.9/);
  }, 240_000);

  it('fails a pnpm install whose lockfile does not match package.json, as --frozen-lockfile does', async () => {
    const workspace = await checkout({
      'package.json': { ...isNumberRepo['package.json'], dependencies: { 'is-number': '6.0.0' }, packageManager: 'pnpm@9.15.9' },
      'pnpm-lock.yaml': PNPM_LOCK,
    });
    const result = await installDependencies({ dir: workspace.dir, sandbox, cache: new DependencyCache(path.join(root, 'cache-pnpm-stale')) });
    expect(result).toMatchObject({ ok: false, tool: 'pnpm' });
    if (REGISTRY_UNREACHABLE.test(result.output)) return;
    expect(result.output).toContain('`pnpm install --frozen-lockfile');
    expect(result.output).toMatch(/ERR_PNPM_OUTDATED_LOCKFILE/);
  }, 240_000);

  it('installs a Yarn 1 repository with Yarn 1 from yarn.lock, frozen, and a yarn script runs offline from the cache', async () => {
    const { cold, warm, test, firstDir } = await coldThenWarm({
      'package.json': { ...isNumberRepo['package.json'], scripts: { test: 'yarn unit', unit } },
      'yarn.lock': YARN1_LOCK,
    }, 'cache-yarn');
    if (!cold.ok && REGISTRY_UNREACHABLE.test(cold.output)) return;
    expect(cold).toMatchObject({ ok: true, tool: 'yarn' });
    expect(cold.output).toMatch(/yarn@\^1 installed .*\(yarn\.lock\)/);
    expect(existsSync(path.join(firstDir, 'node_modules', '.yarn-integrity'))).toBe(true);
    expect(warm).toMatchObject({ ok: true, cached: true, tool: 'yarn' });
    expect(test?.exitCode).toBe(0);
    expect(test?.stdout).toMatch(/unit true yarn\/1\.\d+\.\d+/);
  }, 240_000);

  it('installs a Yarn Berry repository with its Yarn, immutable, as a node_modules tree, and a yarn script runs offline from the cache', async () => {
    const { cold, warm, test, firstDir } = await coldThenWarm({
      'package.json': { ...isNumberRepo['package.json'], packageManager: 'yarn@4.5.1', scripts: { test: 'yarn unit', unit } },
      'yarn.lock': BERRY_LOCK,
    }, 'cache-berry');
    if (!cold.ok && REGISTRY_UNREACHABLE.test(cold.output)) return;
    expect(cold).toMatchObject({ ok: true, tool: 'yarn' });
    expect(cold.output).toContain('@yarnpkg/cli-dist@4.5.1 installed');
    expect(existsSync(path.join(firstDir, 'node_modules', 'is-number', 'package.json'))).toBe(true);
    expect(existsSync(path.join(firstDir, '.pnp.cjs'))).toBe(false);
    expect(warm).toMatchObject({ ok: true, cached: true, tool: 'yarn' });
    expect(test?.exitCode).toBe(0);
    expect(test?.stdout).toMatch(/unit true yarn\/4\.5\.1/);
  }, 240_000);

  it('passes the app\'s extra TLS roots to the install, and nothing else of its environment', () => {
    expect(trustEnvironment({ NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/corp.pem', HTTPS_PROXY: 'http://user:secret@proxy:3128', GITHUB_TOKEN: 'x' })).toEqual({ NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/corp.pem' });
    expect(trustEnvironment({})).toEqual({});
  });
});
