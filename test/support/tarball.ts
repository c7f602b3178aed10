/**
 * Builds a gzipped tarball of a folder the way GitHub serves one: every entry under a single top
 * folder (`owner-repo-sha7/`).
 */
import { readdir } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create } from 'tar';

/** Folders never put into a fixture tarball. */
const SKIP = new Set(['node_modules', '.git', 'coverage', '.quality-gates']);

/** Streams `dir` as a `.tar.gz` whose entries sit under `top/` into `out`. */
export async function tarballOf(dir: string, top: string, out: Writable): Promise<void> {
  const entries = (await readdir(dir)).filter((name) => !SKIP.has(name));
  const stream = create({ gzip: true, cwd: dir, prefix: `${top}/`, portable: true, filter: (p) => !p.split('/').some((part) => SKIP.has(part)) }, entries);
  await pipeline(stream as unknown as NodeJS.ReadableStream, out);
}
