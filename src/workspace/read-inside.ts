/**
 * Reads files of a checkout from outside the sandbox. The repository's own code runs in the checkout
 * before the app reads its reports and manifests there, and it may have left a symbolic link, a FIFO
 * or a device where a report should be: followed, `jest.json → /dev/zero` would exhaust the app's
 * memory, a FIFO would block a worker for good, and a link to a file of the host would be parsed into
 * a check's summary. Here only a regular file whose real path (links resolved) lies inside the
 * checkout, and no larger than a cap, is read; anything else is refused with a reason. The
 * repository's processes have all ended by the time the app reads (the sandbox kills them), so what
 * is checked is what is read.
 * @module
 */
import { constants, fstatSync, openSync, closeSync, readSync, realpathSync } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from './files.js';

/** Default cap on a file read from a checkout: far above any report or manifest. */
export const DEFAULT_MAX_READ_BYTES = 256 * 1024 * 1024;

/** Thrown when a file of the checkout is refused; the message says which and why. */
export class UnsafeFileError extends Error {
  /** @param message What was refused. */
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeFileError';
  }
}

/** Options of {@link readInside}. */
export interface ReadInsideOptions {
  /** Largest file read (default {@link DEFAULT_MAX_READ_BYTES}). */
  maxBytes?: number;
}

// O_NONBLOCK: opening a FIFO must not wait for a writer that will never come.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

function shownName(root: string, file: string): string {
  return path.relative(root, file) || file;
}

function insideOrRefused(realRoot: string, realFile: string, shown: string): string {
  if (!isInside(realRoot, realFile)) throw new UnsafeFileError(`${shown} leads outside the checkout (a symbolic link): not read`);
  return realFile;
}

function checked(stat: { isFile(): boolean; size: number }, shown: string, maxBytes: number): void {
  if (!stat.isFile()) throw new UnsafeFileError(`${shown} is not a regular file: not read`);
  if (stat.size > maxBytes) throw new UnsafeFileError(`${shown} is larger than ${String(maxBytes)} bytes: not read`);
}

/**
 * Reads `file`, which must resolve to a regular file inside `root`. Rejects with
 * {@link UnsafeFileError} otherwise, and with the file system's error when it is missing.
 * @param root The checkout.
 * @param file The file, inside `root`.
 * @param options The size cap.
 */
export async function readInside(root: string, file: string, options: ReadInsideOptions = {}): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
  const target = path.resolve(root, file);
  const shown = shownName(root, target);
  const real = insideOrRefused(await realpath(root), await realpath(target), shown);
  const handle = await open(real, OPEN_FLAGS);
  try {
    checked(await handle.stat(), shown, maxBytes);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * {@link readInside} as UTF-8 text.
 * @param root The checkout.
 * @param file The file, inside `root`.
 * @param options The size cap.
 */
export async function readTextInside(root: string, file: string, options: ReadInsideOptions = {}): Promise<string> {
  return (await readInside(root, file, options)).toString('utf8');
}

/**
 * {@link readTextInside} without waiting on the event loop, for callers that must be synchronous (the
 * TypeScript compiler's file system).
 * @param root The checkout.
 * @param file The file, inside `root`.
 * @param options The size cap.
 */
export function readTextInsideSync(root: string, file: string, options: ReadInsideOptions = {}): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
  const target = path.resolve(root, file);
  const shown = shownName(root, target);
  const fd = openSync(insideOrRefused(realpathSync(root), realpathSync(target), shown), OPEN_FLAGS);
  try {
    const stat = fstatSync(fd);
    checked(stat, shown, maxBytes);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
