/**
 * Whether the JavaScript/TypeScript toolchains apply to a checkout.
 * @module
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config/schema.js';

/** A repository is JavaScript when forced by `language`, or (with `auto`) when it has a `package.json`. */
export async function isJavaScriptRepo(dir: string, config: Config): Promise<boolean> {
  if (config.language === 'javascript' || config.language === 'both') return true;
  if (config.language === 'python') return false;
  try {
    await access(path.join(dir, 'package.json'));
    return true;
  } catch {
    return false;
  }
}
