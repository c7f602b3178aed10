/**
 * The npm dependency install shared by the JS toolchains that run repository code (the repository's own
 * ESLint, its tests). It runs once per job, before the first gate, and only when the package declares
 * dependencies: a dependency-free package is measured without touching the network.
 * @module
 */
import type { Config } from '../../config/schema.js';
import { limitsFromConfig } from '../../sandbox/index.js';
import { DependencyCache } from '../../workspace/cache.js';
import { installDependencies } from '../../workspace/install.js';
import type { DependencyInstall, GateContext, InstallOutcome } from '../types.js';
import { isJavaScriptRepo } from './detect.js';
import { hasAnyDependency, readPackageJson } from './package.js';

/** `npm ci` with a lockfile, else `npm install` (or `coverage.install`), cached by the lockfile's hash. */
export const npmInstall: DependencyInstall = {
  key: 'npm',
  async needed(dir: string, config: Config): Promise<boolean> {
    if (!(await isJavaScriptRepo(dir, config))) return false;
    return config.coverage.install !== undefined || hasAnyDependency(await readPackageJson(dir));
  },
  async run(ctx: GateContext): Promise<InstallOutcome> {
    const result = await installDependencies({
      dir: ctx.dir,
      sandbox: ctx.sandbox,
      cache: new DependencyCache(ctx.cacheDir),
      limits: limitsFromConfig(ctx.config.sandbox),
      command: ctx.config.coverage.install,
      signal: ctx.signal,
      log: ctx.log,
    });
    return { ok: result.ok, output: result.output, mounts: result.mounts, cached: result.cached, tool: result.tool };
  },
};
