// @ts-check
/**
 * Tells whether `dist/` was compiled from the sources as they are now. `npm run build` runs this file
 * after the compiler: it records every source file's path, size and modification time in
 * `dist/build-stamp.json`. `bin/quality-gates.js` runs the compiled JavaScript only while the
 * sources still match that record (one `stat` per file, about a millisecond), and otherwise the
 * TypeScript sources through tsx: an edited, pulled or checked-out file never runs stale code.
 *
 * Compiled, the web process idles at about 100 MB instead of about 150 MB: tsx keeps a module loader
 * thread with a V8 heap of its own, and compiling every module at start-up leaves a young generation
 * grown to its largest (docs/benchmarks.md).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the stamp is written, relative to the installation's root. */
export const STAMP_FILE = path.join('dist', 'build-stamp.json');

/** The compiled entry point, relative to the installation's root. */
export const COMPILED_ENTRY = path.join('dist', 'src', 'cli', 'index.js');

/**
 * Every file under `src/`, sorted, as `[path, size, mtimeMs]`.
 * @param {string} root The installation's root.
 * @returns {[string, number, number][]}
 */
export function sourceFingerprint(root) {
  /** @type {[string, number, number][]} */
  const files = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.isFile()) {
        const stat = statSync(path.join(root, relative));
        files.push([relative, stat.size, stat.mtimeMs]);
      }
    }
  };
  walk('src');
  return files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Records the sources `dist/` was just compiled from.
 * @param {string} root The installation's root.
 */
export function writeStamp(root) {
  writeFileSync(path.join(root, STAMP_FILE), `${JSON.stringify({ sources: sourceFingerprint(root) })}\n`);
}

/**
 * True when `dist/` holds a build of the sources as they are now.
 * @param {string} root The installation's root.
 */
export function isBuildCurrent(root) {
  try {
    const stamp = JSON.parse(readFileSync(path.join(root, STAMP_FILE), 'utf8'));
    statSync(path.join(root, COMPILED_ENTRY));
    return JSON.stringify(stamp.sources) === JSON.stringify(sourceFingerprint(root));
  } catch {
    return false; // no build, an unreadable stamp, or no sources to compare with
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeStamp(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
}
