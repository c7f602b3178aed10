/**
 * The app's own read-only parts (its `node_modules` with the bundled ESLint, c8, TypeDoc and ruff, and
 * `assets/`) must be visible inside the sandbox. When the app runs as root from a folder the sandbox's
 * unprivileged user cannot traverse — a clone under `/root`, mode 0700 — bubblewrap, which already runs
 * as that user, cannot bind them. Rather than loosen the operator's folders, the app mirrors those two
 * folders once into its cache (hard links: no second copy of the files, and each file keeps its own
 * mode), and the sandbox binds the mirror at the original paths, so every path inside stays the same.
 * @module
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Marker written last into a finished mirror. */
const READY = '.quality-gates-mirror-ready';

/** Time one mirror may take (hard links of ~40,000 files take seconds; a full copy across file systems longer). */
const MIRROR_TIMEOUT_MS = 300_000;

/**
 * The first folder on the way from `/` to `dir` that `uid` cannot pass through (no search permission for
 * "others" and not its owner), or undefined when it can reach `dir`.
 */
export function blockingFolder(dir: string, uid: number, gid: number): string | undefined {
  let current = '/';
  for (const part of path.resolve(dir).split(path.sep).filter(Boolean)) {
    current = path.join(current, part);
    let info;
    try {
      info = statSync(current);
    } catch {
      return current;
    }
    if (!info.isDirectory()) break;
    const bit = info.uid === uid ? 0o100 : info.gid === gid ? 0o010 : 0o001;
    if ((info.mode & bit) === 0) return current;
  }
  return undefined;
}

/** What identifies a folder's content cheaply: each file's path, size and modification time (node_modules: npm's own lock of the tree). */
async function fingerprint(dir: string): Promise<string> {
  const hash = createHash('sha256').update(dir);
  const npmLock = path.join(dir, '.package-lock.json');
  try {
    const info = lstatSync(npmLock);
    return hash.update(`${String(info.size)}:${String(info.mtimeMs)}`).digest('hex').slice(0, 16);
  } catch {
    // Not a node_modules installed by npm: walk it (assets/ is a few files).
  }
  const walk = async (folder: string): Promise<void> => {
    for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        const info = await stat(full).catch(() => undefined);
        hash.update(`${full}:${String(info?.size)}:${String(info?.mtimeMs)}\n`);
      }
    }
  };
  await walk(dir);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Mirrors each of `dirs` that `uid` cannot reach into `cacheDir/app-mirror/`, and returns the mirror's
 * path for each mirrored folder (an empty map when the sandbox's user reaches them all).
 * @param dirs The app's folders the sandbox binds read-only.
 * @param cacheDir A folder the sandbox's user can traverse (the dependency cache's root).
 */
export async function mirrorUnreachable(dirs: readonly string[], cacheDir: string, uid: number, gid: number): Promise<Map<string, string>> {
  const mirrors = new Map<string, string>();
  for (const dir of dirs) {
    if (blockingFolder(dir, uid, gid) === undefined) continue;
    const blocked = blockingFolder(cacheDir, uid, gid);
    if (blocked !== undefined) throw new Error(`the sandbox's user (uid ${String(uid)}) can reach neither ${dir} nor the cache ${cacheDir} (${blocked} is closed to it)`);
    const root = path.join(cacheDir, 'app-mirror');
    const target = path.join(root, `${path.basename(dir)}-${await fingerprint(dir)}`);
    mirrors.set(dir, target);
    if (await stat(path.join(target, READY)).then(() => true, () => false)) continue;
    await mkdir(root, { recursive: true, mode: 0o755 });
    const staging = `${target}.${String(process.pid)}.tmp`;
    await rm(staging, { recursive: true, force: true });
    // Hard links where the cache shares the file system, a copy where it does not.
    await run('cp', ['-al', dir, staging], { timeout: MIRROR_TIMEOUT_MS }).catch(async () => {
      await rm(staging, { recursive: true, force: true });
      await run('cp', ['-a', dir, staging], { timeout: MIRROR_TIMEOUT_MS });
    });
    await writeFile(path.join(staging, READY), dir);
    await rename(staging, target).catch(async () => rm(staging, { recursive: true, force: true }));
    // Earlier mirrors of the same folder are stale now.
    for (const name of await readdir(root)) {
      const old = path.join(root, name);
      if (old !== target && name.startsWith(`${path.basename(dir)}-`) && !name.endsWith('.tmp')) await rm(old, { recursive: true, force: true });
    }
  }
  return mirrors;
}
