/**
 * config.load: `.github/quality-gates.yml` from the repository's DEFAULT branch (a pull request cannot
 * lower its own bar). The raw text is parsed first so errors carry line numbers; a file that
 * `_extends` another repository's is merged by Probot's config plugin and validated as an object.
 * @module
 */
import { parseConfig, validateConfigObject, type ConfigResult } from '../config/load.js';
import { CONFIG_PATH } from '../config/schema.js';
import type { Job } from '../queue/job.js';
import type { PipelineDeps } from './deps.js';

/** A parsed YAML mapping. */
export type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge where later objects win key by key and arrays are replaced, not concatenated. */
export function deepMerge(...configs: Plain[]): Plain {
  const out: Plain = {};
  for (const config of configs) {
    for (const [key, value] of Object.entries(config)) {
      const current = out[key];
      out[key] = isPlain(current) && isPlain(value) ? deepMerge(current, value) : value;
    }
  }
  return out;
}

/** Loads and validates the job's configuration; the result names the file, line and key on failure. */
export async function loadJobConfig(job: Job, deps: PipelineDeps): Promise<ConfigResult> {
  const text = await deps.github.getConfigText({ owner: job.owner, repo: job.repo, path: CONFIG_PATH, ref: job.defaultBranch });
  const parsed = parseConfig(text, CONFIG_PATH);
  if (!parsed.ok || parsed.config._extends === undefined) return parsed;
  try {
    const { config } = await deps.github.octokit.config.get({
      owner: job.owner,
      repo: job.repo,
      path: CONFIG_PATH,
      branch: job.defaultBranch,
      defaults: (configs: Plain[]) => deepMerge(...configs),
    });
    const { _extends: _ignored, ...merged } = config;
    return validateConfigObject(merged, CONFIG_PATH);
  } catch (error) {
    throw new Error(`Could not read the config that ${CONFIG_PATH} extends (${parsed.config._extends}): check that repository exists and the app is installed on it`, { cause: error });
  }
}
