/**
 * The registries the host's npm is configured with: the egress proxy allows them, and the install
 * inside the sandbox is told to use them (it cannot read the operator's `~/.npmrc`: its HOME is a
 * private /tmp). Read once per process with `npm config list --json`, run from `/` so no project's
 * `.npmrc` takes part.
 * @module
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** npm's registry when nothing else is configured. */
export const NPM_DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

/** Time `npm config list` may take before the default registry is assumed. */
const NPM_CONFIG_TIMEOUT_MS = 15_000;

/** The registries a parsed `npm config list --json` names: `registry` first, then every `@scope:registry`. */
export function registriesFromConfig(config: Record<string, unknown>): string[] {
  const found: string[] = [];
  const main = config.registry;
  found.push(typeof main === 'string' && main !== '' ? main : NPM_DEFAULT_REGISTRY);
  for (const [key, value] of Object.entries(config)) {
    if (/^@[^:]+:registry$/.test(key) && typeof value === 'string' && value !== '') found.push(value);
  }
  return [...new Set(found)];
}

let cached: Promise<string[]> | undefined;

/**
 * The host npm's registries (memoised). `npm_config_registry` in the environment wins, as it does for npm.
 * Falls back to the public registry when npm cannot be asked.
 */
export function hostNpmRegistries(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  cached ??= (async () => {
    try {
      const { stdout } = await run('npm', ['config', 'list', '--json'], { cwd: '/', env, timeout: NPM_CONFIG_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 });
      return registriesFromConfig(JSON.parse(stdout) as Record<string, unknown>);
    } catch {
      return [env.npm_config_registry ?? NPM_DEFAULT_REGISTRY];
    }
  })();
  return cached;
}
