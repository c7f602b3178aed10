/**
 * The dependency cache: one folder per key (a hash of the lockfile, the Node version and the install
 * command) holding the `node_modules` an install phase produced. Entries appear atomically (copied to a
 * temporary folder, then renamed) and are owned by the app, never by the sandbox's user; later runs see
 * them through a read-only bind mount, so a test cannot change what the next run will use.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { access, chmod, cp, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Prefix of folders being written; never a valid key (keys are hex). */
const TEMP_PREFIX = '.tmp-';

/** A content-keyed cache of installed dependencies. */
export class DependencyCache {
  /** Absolute folder of the cache. */
  readonly dir: string;

  /** @param dir Folder of the cache (created on first commit). */
  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** The key of a list of inputs: SHA-256 over each part, so no two lists collide by concatenation. */
  key(parts: string[]): string {
    const hash = createHash('sha256');
    for (const part of parts) hash.update(createHash('sha256').update(part).digest());
    return hash.digest('hex');
  }

  /** Folder of an entry (it may not exist). */
  path(key: string): string {
    if (!/^[0-9a-f]{16,128}$/.test(key)) throw new Error(`dependency cache: "${key}" is not a cache key`);
    return path.join(this.dir, key);
  }

  /** Whether an entry is complete (only complete entries ever carry their key's name). */
  async has(key: string): Promise<boolean> {
    try {
      await access(this.path(key));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Copies `fromDir` into the cache under `key`. Symlinks are copied as links, never followed, so an
   * install that planted a link to a host file cannot have the app copy that file into the cache.
   * A concurrent commit of the same key wins harmlessly. Returns the entry's folder.
   */
  async commit(key: string, fromDir: string): Promise<string> {
    const target = this.path(key);
    await mkdir(this.dir, { recursive: true, mode: 0o755 });
    const temp = path.join(this.dir, `${TEMP_PREFIX}${key}-${randomBytes(4).toString('hex')}`);
    try {
      await cp(fromDir, temp, { recursive: true, verbatimSymlinks: true, dereference: false, errorOnExist: true });
      await chmod(temp, 0o755);
      await rename(temp, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await this.has(key))) return target;
      throw new Error(`dependency cache: cannot store ${fromDir} as ${key}`, { cause: error });
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
    return target;
  }
}
