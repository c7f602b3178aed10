/**
 * Where the app, outside the sandbox, finds a file the sandboxed commands see in the checkout. A
 * cached `node_modules` is not in the checkout on this host: it is bound there inside the sandbox
 * (`GateContext.mounts`). A gate that asks "does the repository have its own ESLint?" must look in the
 * mounted folder, or a warm dependency cache would give another answer than a cold one.
 * @module
 */
import path from 'node:path';
import type { GateContext } from './types.js';
import { isInside } from '../workspace/files.js';

/** A file on this host and the folder it must stay inside when read (`readInside`'s root). */
export interface HostPath {
  /** The checkout, or the mounted folder that holds the file. */
  root: string;
  /** The file's path on this host. */
  file: string;
}

/**
 * The host path of `relative` (to the checkout), following the mounts the sandbox applies.
 * @param ctx The checkout and its mounts.
 * @param relative A path inside the checkout, e.g. `node_modules/eslint/package.json`.
 */
export function hostPath(ctx: Pick<GateContext, 'dir' | 'mounts'>, relative: string): HostPath {
  const inSandbox = path.resolve(ctx.dir, relative);
  // The deepest mount wins, as in the sandbox, where later (nested) binds cover earlier ones.
  const mount = (ctx.mounts ?? [])
    .filter((m) => isInside(m.target, inSandbox))
    .sort((a, b) => b.target.length - a.target.length)[0];
  if (mount === undefined) return { root: ctx.dir, file: inSandbox };
  return { root: mount.source, file: path.join(mount.source, path.relative(mount.target, inSandbox)) };
}
