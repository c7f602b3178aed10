/**
 * The tree-SHA result cache key: the same tree, checked under the same config by the same tool
 * versions, gives the same results — so a merge commit whose tree passed on the pull request deploys
 * without running the gates again.
 * @module
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { APP_NODE_MODULES, APP_ROOT } from '../paths.js';

/** Packages whose versions change results: the app itself and the bundled tools. */
export const VERSIONED_PACKAGES = ['eslint', 'c8', 'typedoc', 'typescript', '@astral-sh/ruff-wasm-nodejs'] as const;

async function versionOf(file: string): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(file, 'utf8')) as { version?: string };
    return pkg.version ?? '?';
  } catch {
    return 'missing';
  }
}

/** `name@version` of the app and of every versioned tool, in a fixed order. */
export async function toolVersions(): Promise<string> {
  const own = await versionOf(path.join(APP_ROOT, 'package.json'));
  const tools = await Promise.all(
    VERSIONED_PACKAGES.map(async (name) => `${name}@${await versionOf(path.join(APP_NODE_MODULES, name, 'package.json'))}`),
  );
  return [`quality-gates@${own}`, ...tools].join(',');
}

/** The cache key of a tree under a config and tool versions. */
export function resultCacheKey(tree: string, config: Config, versions: string): string {
  const digest = createHash('sha256').update(JSON.stringify(config)).update('\0').update(versions).digest('hex');
  return `tree:${tree}:${digest.slice(0, 32)}`;
}
