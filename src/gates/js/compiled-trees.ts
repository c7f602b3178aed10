/**
 * One tree per coverage report: the sources or the compiled files, never both. A TypeScript package
 * whose tests run its build (`dist/`, `lib/` built from `src/`) gets V8 coverage of the compiled
 * files; with source maps c8 maps them back to `src/` itself, without them the report holds the
 * compiled files that ran next to the sources `--all` adds as never loaded — each line counted twice,
 * once covered and once not. Here a compiled file is paired with its source by path
 * (`dist/x.js` ↔ `src/x.ts`); when the tests ran compiled files, only the compiled tree is counted and
 * the summary says so, otherwise only the sources are.
 * @module
 */
import path from 'node:path';
import { pathExists } from '../../workspace/files.js';
import type { FileCoverage } from '../types.js';
import { BUILD_DIR } from './entry-points.js';

/** Folders that only ever hold build output (a `lib/` may be the hand-written code itself). */
const OUTPUT_ONLY = /^(?:dist|build|out)(?:[-_.][\w.-]+)?$/;

/** The source root compiled folders are paired with. */
const SOURCE_ROOT = 'src';

/** Source extensions a compiled extension comes from, most likely first. */
const SOURCE_EXTENSIONS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  '.jsx': ['.tsx', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
};

/** What was counted, and the sentence for the summary when it was the compiled tree. */
export interface CountedTree {
  /** The files of one tree. */
  files: FileCoverage[];
  /** Sentences for the coverage summary (set when the compiled files were counted). */
  notes: string[];
}

function topFolder(file: string): string {
  return file.split('/', 1)[0] ?? '';
}

/** The source of a compiled file (`dist/a/b.js` → `src/a/b.ts`) when the checkout has it. */
async function sourceOf(file: string, dir: string): Promise<string | undefined> {
  const [top, ...rest] = file.split('/');
  if (top === undefined || !BUILD_DIR.test(top) || rest.length === 0) return undefined;
  const ext = path.posix.extname(file);
  const base = path.posix.join(SOURCE_ROOT, ...rest).slice(0, -ext.length);
  for (const candidate of SOURCE_EXTENSIONS[ext] ?? []) {
    if (await pathExists(path.join(dir, base + candidate))) return base + candidate;
  }
  return undefined;
}

/**
 * Keeps one tree of `files`: the compiled files when a test ran one of them (no source map took it
 * back to its source), else the sources.
 * @param files Per-file coverage, repository-relative paths.
 * @param dir The checkout.
 */
export async function countOneTree(files: readonly FileCoverage[], dir: string): Promise<CountedTree> {
  const compiled = new Map<string, string>();
  for (const file of files) {
    const source = await sourceOf(file.path, dir);
    if (source !== undefined) compiled.set(file.path, source);
  }
  const ran = files.filter((file) => compiled.has(file.path) && file.covered > 0);
  if (ran.length === 0) {
    // The tests ran the sources (or c8 mapped the build back to them): build output is not the code under test.
    return { files: files.filter((file) => !compiled.has(file.path) && !OUTPUT_ONLY.test(topFolder(file.path))), notes: [] };
  }
  // Only the build folders the tests ran: a browser build beside the Node one (`dist/`, `dist-node/`) is another copy.
  const ranFolders = new Set(ran.map((file) => topFolder(file.path)));
  const folders = [...ranFolders].sort().map((folder) => `${folder}/`);
  const kept = files.filter((file) => {
    const top = topFolder(file.path);
    if (ranFolders.has(top)) return true;
    return !compiled.has(file.path) && top !== SOURCE_ROOT && !OUTPUT_ONLY.test(top);
  });
  const note =
    `Counted on the compiled files (${folders.join(', ')}), which the tests ran: they carry no source maps back to ${SOURCE_ROOT}/, ` +
    `so ${SOURCE_ROOT}/ is not counted. Build with source maps (TypeScript: "sourceMap": true) to have ${SOURCE_ROOT}/ counted instead.`;
  return { files: kept, notes: [note] };
}
