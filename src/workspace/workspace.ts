/**
 * A throwaway folder per job: unique, writable by the sandbox's user, and removed afterwards whatever
 * happened (a checkout of untrusted code must not outlive its job).
 * @module
 */
import { chmod, chown, lchown, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { sandboxIdentity, type SandboxIdentity } from '../sandbox/identity.js';

/** A job's folder. */
export interface Workspace {
  /** Absolute path of the folder. */
  dir: string;
  /** Removes the folder and everything in it; safe to call twice. */
  cleanup(): Promise<void>;
}

/**
 * Creates a unique folder under `root` (created if missing). When the app runs as root, the folder is
 * handed to the sandbox's unprivileged user (pass the same identity to the tarball extraction so the
 * files inside are too); `root` itself stays traversable but not listable by others.
 * @param owner Who gets the folder: by default the sandbox's user when running as root; `null` keeps it ours.
 */
export async function createWorkspace(
  root: string,
  owner: SandboxIdentity | null = sandboxIdentity() ?? null,
): Promise<Workspace> {
  await mkdir(root, { recursive: true, mode: 0o711 });
  const dir = await mkdtemp(path.join(path.resolve(root), 'ws-'));
  await chmod(dir, 0o755);
  if (owner) await chown(dir, owner.uid, owner.gid);
  return {
    dir,
    async cleanup() {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/**
 * Gives a tree that the app wrote (a local checkout copied by the CLI, say) to the sandbox's user, so
 * commands can write inside existing folders too. Links are re-owned themselves, never followed.
 * Does nothing when the app is not root.
 */
export async function handOver(dir: string, owner: SandboxIdentity | null = sandboxIdentity() ?? null): Promise<void> {
  if (!owner) return;
  await chown(dir, owner.uid, owner.gid);
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    await lchown(path.join(entry.parentPath, entry.name), owner.uid, owner.gid);
  }
}
