/**
 * Copies a local checkout into a fresh workspace the way GitHub's tarball would present it: the files
 * git tracks (plus untracked files that are not ignored, so a maintainer can check work in progress),
 * never `node_modules`, `.git` or virtual environments. The CLI then runs on the copy, so its verdict
 * matches the app's and the maintainer's checkout is never written to.
 * @module
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chown, cp, lchown, lstat, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { linkStaysInside } from './tarball.js';
import type { SandboxIdentity } from '../sandbox/identity.js';
import path from 'node:path';

const execFileAsync = promisify(execFile);

/** Folders never copied: installed dependencies and tool state are rebuilt in the workspace. */
export const EXCLUDED_DIRS: ReadonlySet<string> = new Set([
  '.git',
  'node_modules',
  '.venv',
  'venv',
  '__pycache__',
  '.quality-gates',
  'coverage',
  '.pytest_cache',
  '.mypy_cache',
  '.tox',
]);

/** The maximum listing git may print, far above any real repository's file list. */
const GIT_LIST_MAX_BUFFER = 256 * 1024 * 1024;

/** Files git would put in a commit of `dir`, or undefined when `dir` is not inside a git work tree. */
async function gitFiles(dir: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await execFileAsync(
      'git',
      ['-C', dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'],
      { maxBuffer: GIT_LIST_MAX_BUFFER, encoding: 'utf8' },
    );
    return stdout.split('\0').filter((file) => file.length > 0);
  } catch {
    return undefined;
  }
}

function isExcluded(relativePath: string): boolean {
  return relativePath.split('/').some((part) => EXCLUDED_DIRS.has(part));
}

async function walk(root: string, relative = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (EXCLUDED_DIRS.has(entry.name)) continue;
    if (entry.isDirectory()) files.push(...(await walk(root, child)));
    else if (entry.isFile() || entry.isSymbolicLink()) files.push(child);
  }
  return files;
}

/** Hands every folder between `dest` and `to` (exclusive of `dest`) and the file or link itself to `owner`. */
async function handOver(dest: string, to: string, owner: SandboxIdentity): Promise<void> {
  await lchown(to, owner.uid, owner.gid);
  let current = path.dirname(to);
  while (current !== dest && current.startsWith(dest)) {
    await chown(current, owner.uid, owner.gid);
    current = path.dirname(current);
  }
}

/**
 * Copies the checkout at `source` into `dest` (which must exist and be empty) and returns how many
 * files and links were copied. Symbolic links are copied as links when they stay inside the checkout,
 * as the tarball extraction keeps them, and skipped otherwise. With `owner`
 * (the sandbox's user when the app runs as root) the copy belongs to that user, as an extracted
 * tarball does, so the repository's own tools may write inside their checkout.
 */
export async function copyCheckout(source: string, dest: string, owner?: SandboxIdentity): Promise<number> {
  const listed = (await gitFiles(source)) ?? (await walk(source));
  let copied = 0;
  for (const file of listed) {
    if (isExcluded(file)) continue;
    const from = path.join(source, file);
    const info = await lstat(from).catch(() => undefined);
    const to = path.join(dest, file);
    // As the tarball extraction does: a link is kept as a link when it stays inside the checkout. A
    // deleted-but-tracked file is not part of what GitHub would hand us.
    const link = info?.isSymbolicLink() === true ? await readlink(from) : undefined;
    if (link === undefined ? info?.isFile() !== true : !linkStaysInside(path.resolve(source), path.resolve(from), link)) continue;
    await mkdir(path.dirname(to), { recursive: true });
    if (link === undefined) await cp(from, to, { preserveTimestamps: true });
    else await symlink(link, to);
    if (owner) await handOver(dest, to, owner);
    copied += 1;
  }
  return copied;
}
