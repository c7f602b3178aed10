import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_REGISTRY, hostRegistry, planJsInstall } from '../../src/workspace/js-install-plan.js';
import { packageManagerNeeded } from '../../src/workspace/package-manager.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'qg-plan-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const REGISTRY = 'https://registry.example.test/npm/';
const BERRY_LOCK = '__metadata:\n  version: 8\n  cacheKey: 10c0\n';

async function plan(name: string, manifest: Record<string, unknown>, files: Record<string, string>) {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(manifest));
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
  return planJsInstall(dir, await packageManagerNeeded(dir, manifest), REGISTRY, '--no-audit');
}

describe('planJsInstall', () => {
  it.each([
    ['npm ci from package-lock.json', {}, { 'package-lock.json': '{}' }, 'npm', 'package-lock.json', 'npm ci --no-audit'],
    ['npm install without a lockfile', {}, {}, 'npm', undefined, 'npm install --no-audit'],
    ['pnpm, frozen, from pnpm-lock.yaml', {}, { 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" }, 'pnpm', 'pnpm-lock.yaml', 'pnpm install --frozen-lockfile'],
    ['Yarn 1, frozen, from yarn.lock', {}, { 'yarn.lock': '# yarn lockfile v1\n' }, 'yarn', 'yarn.lock', 'yarn install --frozen-lockfile --non-interactive'],
    ['Yarn Berry, immutable', {}, { 'yarn.lock': BERRY_LOCK }, 'yarn', 'yarn.lock', 'yarn install --immutable'],
    ['packageManager choosing between two lockfiles', { packageManager: 'pnpm@9.15.9' }, { 'pnpm-lock.yaml': '', 'yarn.lock': '' }, 'pnpm', 'pnpm-lock.yaml', 'pnpm install --frozen-lockfile'],
    ['npm\'s lockfile when the named manager has none', { packageManager: 'pnpm@9.15.9' }, { 'package-lock.json': '{}' }, 'npm', 'package-lock.json', 'npm ci'],
    ['npm\'s lockfile beside a stray yarn.lock when packageManager names none', {}, { 'package-lock.json': '{}', 'yarn.lock': '' }, 'npm', 'package-lock.json', 'npm ci'],
    ['pnpm without a lockfile: not frozen', { packageManager: 'pnpm@9.15.9' }, {}, 'pnpm', undefined, 'pnpm install --no-frozen-lockfile'],
  ])('%s', async (name, manifest, files, tool, lockfile, command) => {
    const planned = await plan(name.replace(/\W+/g, '-'), manifest, files);
    expect(planned.tool).toBe(tool);
    expect(planned.lockfile).toBe(lockfile);
    expect(planned.command.startsWith(command)).toBe(true);
    expect(planned.managerFirst).toBe(tool !== 'npm');
  });

  it('points every package manager at the host\'s registry, with its store in the sandbox\'s /tmp', async () => {
    const pnpm = await plan('pnpm-registry', {}, { 'pnpm-lock.yaml': '' });
    expect(pnpm.command).toContain(`--registry='${REGISTRY}'`);
    expect(pnpm.command).toContain('--store-dir=/tmp/.pnpm-store');
    const classic = await plan('yarn1-registry', {}, { 'yarn.lock': '' });
    expect(classic.command).toContain(`--registry '${REGISTRY}'`);
    expect(classic.env).toEqual({ YARN_CACHE_FOLDER: '/tmp/.yarn-cache' });
    const berry = await plan('berry-registry', {}, { 'yarn.lock': BERRY_LOCK });
    expect(berry.script).toContain(`YARN_NPM_REGISTRY_SERVER="${REGISTRY}"`);
    expect(berry.script).toContain('YARN_NODE_LINKER="node-modules"');
    expect(berry.script).toContain('YARN_INSTALL_STATE_PATH="$PWD/node_modules/.yarn-install-state.gz"');
    // Berry does not read HTTPS_PROXY: the install sandbox sets YARN_HTTPS_PROXY itself, the plan never overrides it.
    expect(berry.script).not.toContain('YARN_HTTPS_PROXY');
  });
});

describe('planJsInstall with a committed Yarn release', () => {
  it('runs that release with node, fetching nothing first', async () => {
    const planned = await plan('release', {}, { 'yarn.lock': BERRY_LOCK, '.yarnrc.yml': 'yarnPath: yarn.cjs\n', 'yarn.cjs': '' });
    expect(planned.script).toContain("node 'yarn.cjs' install --immutable");
    expect(planned.managerFirst).toBe(false);
  });
});

describe('hostRegistry', () => {
  it('takes npm_config_registry first, else asks the host\'s npm', async () => {
    expect(await hostRegistry({ npm_config_registry: REGISTRY })).toBe(REGISTRY);
    expect(await hostRegistry({})).toMatch(/^https?:\/\//);
    expect(DEFAULT_REGISTRY).toBe('https://registry.npmjs.org/');
  });
});
