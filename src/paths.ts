/**
 * Where the app's own files are, so that bundled tools (ESLint, c8, TypeDoc and their configs) can be
 * made visible read-only inside the sandbox without exposing the rest of the install (`.env`, keys).
 * @module
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Root of the quality-gates installation (the folder holding `package.json`). */
export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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
