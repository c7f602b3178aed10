/**
 * The file-system questions every toolchain asks: is this path there, and is it inside the checkout?
 * @module
 */
import { access } from 'node:fs/promises';
import path from 'node:path';

/**
 * Whether `candidate` is `root` itself or lies below it, comparing the paths as written (resolve links
 * first where they matter).
 * @param root An absolute folder.
 * @param candidate An absolute path.
 */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** Whether `file` exists (any kind of entry the process can see). */
export async function pathExists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
