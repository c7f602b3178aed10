/**
 * Test helper: a fixture repository copied into a throwaway workspace owned by the sandbox's user,
 * with the real sandbox (bubblewrap) around every command, exactly as the app runs it.
 */
import { chmod, chown, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigSchema, type ConfigInput } from '../../../src/config/schema.js';
import type { GateContext } from '../../../src/gates/types.js';
import { createSandbox } from '../../../src/sandbox/index.js';
import { sandboxIdentity } from '../../../src/sandbox/identity.js';
import type { Sandbox } from '../../../src/sandbox/types.js';

/** The fixture repositories. */
export const REPOS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/repos');

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full, uid, gid);
    else await chown(full, uid, gid);
  }
}

/** A workspace holding a copy of one fixture, and the context to measure it. */
export interface FixtureWorkspace {
  ctx: GateContext;
  cleanup(): Promise<void>;
}

let shared: Promise<Sandbox> | undefined;

/** One sandbox per test file: probing bubblewrap once is enough. */
export function sandbox(): Promise<Sandbox> {
  shared ??= createSandbox();
  return shared;
}

/** Copies `test/fixtures/repos/<name>` into a fresh workspace and builds a gate context for it. */
export async function fixtureWorkspace(name: string, config: ConfigInput = {}, cacheDir?: string): Promise<FixtureWorkspace> {
  const root = await mkdtemp(path.join(os.tmpdir(), `qg-${name}-`));
  await chmod(root, 0o755);
  const dir = path.join(root, 'ws');
  await cp(path.join(REPOS_DIR, name), dir, { recursive: true });
  const identity = sandboxIdentity();
  if (identity) await chownTree(dir, identity.uid, identity.gid);
  const ctx: GateContext = {
    dir,
    config: ConfigSchema.parse(config),
    sandbox: await sandbox(),
    cacheDir: cacheDir ?? path.join(root, 'cache'),
  };
  return { ctx, cleanup: () => rm(root, { recursive: true, force: true }) };
}
