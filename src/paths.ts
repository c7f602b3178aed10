/**
 * Where the app's own files are, so that bundled tools (ESLint, c8, TypeDoc and their configs) can be
 * made visible read-only inside the sandbox without exposing the rest of the install (`.env`, keys).
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The nearest folder at or above `start` holding a `package.json`: the sources (`src/`) and their
 * compiled copy (`dist/src/`) sit at different depths below the installation's root.
 * @param start A folder inside the installation.
 */
export function installationRoot(start: string): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json at or above ${start}: the installation is incomplete`);
  }
}

/** Root of the quality-gates installation (the folder holding `package.json`). */
export const APP_ROOT = installationRoot(path.dirname(fileURLToPath(import.meta.url)));

/**
 * How this process runs the app: `compiled` from `dist/` (built by `npm run build`, as the Docker
 * image does), or `sources` through the TypeScript loader (a checkout without a current build).
 */
export const RUNTIME: 'compiled' | 'sources' = import.meta.url.endsWith('.js') ? 'compiled' : 'sources';

/** The installation's `node_modules`: bundled tools run from here. */
export const APP_NODE_MODULES = path.join(APP_ROOT, 'node_modules');

/** Bundled configs and helper scripts that run inside the sandbox (default ESLint config, Python helpers). */
export const ASSETS_DIR = path.join(APP_ROOT, 'assets');

/**
 * Where dependency caches live. The sandbox's unprivileged user must traverse every folder above the
 * cache (it is mounted into the sandbox), and as root the usual places (`/root/...`) are closed to it:
 * then `/var/cache/quality-gates` is used. `QG_CACHE_DIR` overrides both.
 * @param fallback The cache folder for a non-root process.
 */
export function cacheRoot(env: NodeJS.ProcessEnv, fallback: string, uid = process.getuid?.() ?? -1): string {
  if (env.QG_CACHE_DIR) return path.resolve(env.QG_CACHE_DIR);
  if (uid === 0) return '/var/cache/quality-gates';
  return path.resolve(fallback);
}
