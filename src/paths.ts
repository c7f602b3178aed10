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
