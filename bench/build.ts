/**
 * The benchmarks measure the app as the Docker image and `npm start` run it: compiled (`dist/`).
 * @module
 */
import { execFileSync } from 'node:child_process';
import { APP_ROOT } from '../src/paths.js';
// @ts-expect-error plain JavaScript without declarations (it runs before any TypeScript loader)
import { isBuildCurrent } from '../bin/build-stamp.js';

/** Runs `npm run build` unless `dist/` already holds a build of the current sources; returns how the app will run. */
export function ensureBuilt(): 'compiled' | 'sources' {
  const current = isBuildCurrent as (root: string) => boolean;
  if (!current(APP_ROOT)) execFileSync('npm', ['run', 'build'], { cwd: APP_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return current(APP_ROOT) ? 'compiled' : 'sources';
}
