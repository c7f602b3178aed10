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
import { packageManagerNeeded } from '../../workspace/package-manager.js';
import type { DependencyInstall, GateContext, InstallOutcome } from '../types.js';
import { isJavaScriptRepo } from './detect.js';
import { hasAnyDependency, readPackageJson } from './package.js';

/**
 * The repository's own package manager from its own lockfile, frozen (`pnpm install --frozen-lockfile`,
 * `yarn install --frozen-lockfile` or `--immutable`, `npm ci`; `npm install` without a lockfile), or
 * `coverage.install`; cached by the lockfile's hash (`workspace/js-install-plan.ts`).
 */
export const npmInstall: DependencyInstall = {
  key: 'npm',
  async needed(dir: string, config: Config): Promise<boolean> {
    if (!(await isJavaScriptRepo(dir, config))) return false;
    if (config.coverage.install !== undefined) return true;
    const pkg = await readPackageJson(dir);
    if (hasAnyDependency(pkg)) return true;
    // A script that calls pnpm or yarn needs it installed, even in a package without dependencies.
    return pkg !== undefined && (await packageManagerNeeded(dir, pkg)) !== undefined;
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
    return { ok: result.ok, output: result.output, mounts: result.mounts, cached: result.cached, tool: result.tool, refused: result.refused };
  },
};
