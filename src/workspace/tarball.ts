/**
 * Safe extraction of a repository tarball (GitHub's `owner-repo-sha/` layout): regular files, folders
 * and symbolic links that stay inside the checkout (repositories keep links to shared files, and their
 * tests rely on them); nothing outside the destination, no special mode bits, and caps on bytes and
 * entries so a hostile archive cannot fill the disk. A link that points outside the checkout — absolute,
 * climbing out, or out through another link — is not kept: it is a classic way to make a later step
 * read or write outside it. Hard links, devices and FIFOs are skipped.
 * @module
 */
import { lstat, readlink, realpath, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { x as extract, type ReadEntry } from 'tar';
import type { SandboxIdentity } from '../sandbox/identity.js';
import { isInside } from './files.js';

/** Default cap on extracted bytes (sum of file sizes): far above any repository the gates are meant for. */
export const DEFAULT_MAX_BYTES = 1024 ** 3;

/** Default cap on entries: a large monorepo has tens of thousands of files. */
export const DEFAULT_MAX_ENTRIES = 200_000;

/**
 * Raw input allowed beyond `maxBytes` before reading stops outright: tar headers and padding, and gzip's
 * worst case on incompressible data, stay well inside it.
 */
const RAW_SLACK_BYTES = 16 * 1024 * 1024;

/** Permission bits kept: no setuid/setgid/sticky, nothing writable by group or others. */
const MODE_MASK = 0o755;

/** Options of {@link extractTarball}. */
export interface ExtractOptions {
  /** Cap on the sum of file sizes; the extraction aborts past it. */
  maxBytes?: number;
  /** Cap on entries (files, folders and skipped ones); the extraction aborts past it. */
  maxEntries?: number;
  /** Owner of everything created (root only), so the sandbox's unprivileged user can write the checkout. */
  owner?: SandboxIdentity;
  /** Leading path components to strip (GitHub's `owner-repo-sha/` folder: 1). */
  strip?: number;
}

/** What was extracted. */
export interface ExtractResult {
  /** Regular files written. */
  files: number;
  /** Bytes written. */
  bytes: number;
  /** Symbolic links kept (each resolves inside the checkout). */
  links: number;
  /** Entries skipped: hard links, devices, FIFOs, and symbolic links leading outside the checkout. */
  skipped: number;
}

/** Thrown when a tarball breaks a cap or a safety rule; the message says which. */
export class UnsafeTarballError extends Error {
  /** @param message What was refused. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnsafeTarballError';
  }
}

/** The entry's path once the leading folders are stripped, or undefined when nothing is left. */
function strippedPath(entryPath: string, strip: number): string | undefined {
  const parts = entryPath.split('/').filter((part) => part !== '' && part !== '.');
  const rest = parts.slice(strip);
  return rest.length === 0 ? undefined : rest.join('/');
}

/**
 * Streams a (gzipped) tarball into `dest`, which must exist. Rejects with {@link UnsafeTarballError}
 * on a path leaving `dest` or a broken cap; anything already written stays for the caller to delete
 * with the workspace.
 */
export async function extractTarball(source: Readable, dest: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const strip = options.strip ?? 1;
  const root = path.resolve(dest);
  const result: ExtractResult = { files: 0, bytes: 0, links: 0, skipped: 0 };
  const links: string[] = [];
  let entries = 0;
  let refusal: UnsafeTarballError | undefined;
  // A refusal makes every later entry skipped while the rest of the input is read, so the extraction
  // ends with no write still in flight (aborting tar mid-way lets queued writes land after it returns).
  const refuse = (message: string): false => {
    refusal ??= new UnsafeTarballError(message);
    return false;
  };
  const filter = (entryPath: string, entry: ReadEntry | unknown): boolean => {
    if (refusal) return false;
    const item = entry as ReadEntry;
    if (++entries > maxEntries) return refuse(`tarball has more than ${maxEntries} entries: refusing to extract it`);
    if (item.type !== 'File' && item.type !== 'OldFile' && item.type !== 'Directory' && item.type !== 'SymbolicLink') {
      result.skipped++;
      return false;
    }
    if (entryPath.startsWith('/') || /^[a-zA-Z]:/.test(entryPath) || entryPath.split(/[\\/]/).includes('..')) {
      return refuse(`tarball entry ${entryPath} points outside the checkout: refusing to extract it`);
    }
    const relative = strippedPath(entryPath, strip);
    if (relative === undefined) return item.type === 'Directory' ? false : refuse(`tarball entry ${entryPath} lies above the stripped folder`);
    const target = path.resolve(root, relative);
    if (!isInside(root, target)) {
      return refuse(`tarball entry ${entryPath} points outside the checkout: refusing to extract it`);
    }
    if (item.type === 'SymbolicLink') {
      if (!linkStaysInside(root, target, item.linkpath ?? '')) {
        result.skipped++;
        return false;
      }
      links.push(target);
      return true;
    }
    if (item.type !== 'Directory') {
      result.bytes += item.size;
      if (result.bytes > maxBytes) return refuse(`tarball holds more than ${maxBytes} bytes: refusing to extract it`);
      result.files++;
    }
    item.mode = ((item.mode ?? 0o644) & MODE_MASK) | (item.type === 'Directory' ? 0o700 : 0o600);
    return true;
  };
  const sink = extract({
    cwd: root,
    strict: true,
    strip,
    filter,
    preserveOwner: false,
    ...(options.owner ? { uid: options.owner.uid, gid: options.owner.gid } : {}),
    preservePaths: false,
    noMtime: true,
  });
  let raw = 0;
  const rawCap = maxBytes + RAW_SLACK_BYTES;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      raw += chunk.length;
      if (raw > rawCap) callback(new UnsafeTarballError(`tarball is larger than ${rawCap} bytes: refusing to read it`));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(source, counter, sink);
  } catch (error) {
    if (refusal) throw refusal;
    if (error instanceof UnsafeTarballError) throw error;
    throw new UnsafeTarballError(`cannot extract the tarball: ${(error as Error).message}`, { cause: error });
  }
  if (refusal) throw refusal;
  const kept = await keepLinksInside(root, links);
  return { ...result, links: kept, skipped: result.skipped + links.length - kept };
}

/**
 * Whether a link at `at` with target `linkpath` resolves, as written, inside `root`.
 * @param root The checkout (an absolute path).
 * @param at Where the link is (an absolute path inside `root`).
 * @param linkpath The link's target as stored.
 */
export function linkStaysInside(root: string, at: string, linkpath: string): boolean {
  if (linkpath === '' || path.isAbsolute(linkpath)) return false;
  return isInside(root, path.resolve(path.dirname(at), linkpath));
}

/**
 * Removes the links that lead outside `root` once the other links are in place (a link can climb out
 * through another one, which its own target does not show); returns how many are kept. A link whose
 * target does not exist is kept when that target, seen from the link's real folder, lies inside.
 */
async function keepLinksInside(root: string, links: string[]): Promise<number> {
  const realRoot = await realpath(root);
  let kept = 0;
  for (const link of links) {
    const info = await lstat(link).catch(() => undefined);
    if (!info?.isSymbolicLink()) continue; // replaced by a later entry of the archive
    const real = await realpath(link).catch(() => undefined);
    const inside = real === undefined
      ? linkStaysInside(realRoot, path.join(await realpath(path.dirname(link)), path.basename(link)), await readlink(link))
      : isInside(realRoot, real);
    if (inside) kept++;
    else await unlink(link);
  }
  return kept;
}
