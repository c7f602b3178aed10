/** Shared set-up of the gate tests: a real sandbox, and a fresh workspace holding a copy of a fixture repository. */
import { chmod, chown, cp, mkdir, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigSchema, defaultConfig, type Config, type ConfigInput } from '../../src/config/schema.js';
import { APP_ROOT } from '../../src/paths.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { sandboxIdentity } from '../../src/sandbox/identity.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import type { GateContext } from '../../src/gates/types.js';
import { createWorkspace, type Workspace } from '../../src/workspace/workspace.js';

/** Root of the fixture repositories. */
export const FIXTURES = path.join(APP_ROOT, 'test', 'fixtures', 'repos');

/** Where the gate tests put their workspaces and dependency cache. */
const TEST_ROOT = path.join(os.tmpdir(), 'qg-gate-tests');

async function chownTree(dir: string): Promise<void> {
  const identity = sandboxIdentity();
  if (!identity) return;
  await chown(dir, identity.uid, identity.gid);
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    await chown(path.join(entry.parentPath, entry.name), identity.uid, identity.gid);
  }
}

/** The fixture's `.github/quality-gates.yml` (parsed without the loader, which another module owns), or the defaults. */
export async function fixtureConfig(name: string, overrides: ConfigInput = {}): Promise<Config> {
  const text = await readFile(path.join(FIXTURES, name, '.github', 'quality-gates.yml'), 'utf8').catch(() => undefined);
  if (text === undefined && Object.keys(overrides).length === 0) return defaultConfig();
  const input = (text === undefined ? {} : parse(text)) as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides) as [string, unknown][]) {
    const current = input[key];
    input[key] = typeof value === 'object' && typeof current === 'object' ? { ...current, ...value } : value;
  }
  return ConfigSchema.parse(input);
}

/** A copy of a fixture repository in a fresh workspace owned by the sandbox's user. */
export async function fixtureWorkspace(name: string): Promise<Workspace> {
  const workspace = await createWorkspace(path.join(TEST_ROOT, 'ws'));
  await cp(path.join(FIXTURES, name), workspace.dir, { recursive: true });
  await chownTree(workspace.dir);
  return workspace;
}

/** The real sandbox (bubblewrap), created once per test file. */
export async function realSandbox(): Promise<Sandbox> {
  return createSandbox();
}

/** A gate context for a fixture copy. */
export async function fixtureContext(
  name: string,
  sandbox: Sandbox,
  overrides: ConfigInput = {},
): Promise<{ ctx: GateContext; cleanup: () => Promise<void> }> {
  const workspace = await fixtureWorkspace(name);
  // Shared between runs like the app's cache; traversable so the sandbox's user can read mounted entries.
  const cacheDir = path.join(TEST_ROOT, 'cache');
  await mkdir(cacheDir, { recursive: true });
  await chmod(cacheDir, 0o755);
  const ctx: GateContext = { dir: workspace.dir, config: await fixtureConfig(name, overrides), sandbox, cacheDir };
  return { ctx, cleanup: () => workspace.cleanup() };
}
