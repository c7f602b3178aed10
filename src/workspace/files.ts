/**
 * The one file-system question every toolchain asks: is this path there?
 * @module
 */
import { access } from 'node:fs/promises';

/** Whether `file` exists (any kind of entry the process can see). */
export async function pathExists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
