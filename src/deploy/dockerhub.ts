/**
 * The Docker Hub build trigger: a POST to the repository's trigger URL (which holds its token, so it
 * lives in the app's environment, never in the config). Success means Docker Hub accepted the
 * trigger; the build itself is Docker Hub's to report. Autobuilds are retired on 2027-04-01.
 * @module
 */
import type { DeployConfig, DeployRequest, DeployTarget, FireOptions, TargetOutcome } from './types.js';
import { postWithRetry } from './retry.js';
import { fromEnv, settle } from './fire.js';
import { redactUrl } from './redact.js';

/** The JSON Docker Hub's trigger expects: a tag, or a source type and name (default: the pushed branch). */
export function dockerHubBody(request: DeployRequest, config: DeployConfig): Record<string, string> {
  const hub = config.dockerhub;
  if (hub?.docker_tag !== undefined) return { docker_tag: hub.docker_tag };
  const branch = config.branch ?? request.ref.replace(/^refs\/(heads|tags)\//, '');
  return { source_type: hub?.source_type ?? 'Branch', source_name: hub?.source_name ?? branch };
}

const urlName = (config: DeployConfig) => config.dockerhub?.trigger_url_env ?? 'DOCKERHUB_TRIGGER_URL';

/** The Docker Hub target. */
export const dockerHubTarget: DeployTarget = {
  id: 'dockerhub',
  configured: (config) => config.dockerhub !== undefined,
  variables: (config) => [urlName(config)],
  describe: (config) => `would POST dockerhub trigger to $${urlName(config)}`,
  async fire(request: DeployRequest, options: FireOptions): Promise<TargetOutcome> {
    const envName = urlName(options.config);
    const url = fromEnv(options.env, envName, 'The Docker Hub trigger URL');
    if (typeof url !== 'string') return url;
    const body = JSON.stringify(dockerHubBody(request, options.config));
    const post = postWithRetry(
      { url, body, headers: { 'content-type': 'application/json', 'user-agent': 'quality-gates' } },
      { ...options.retry, log: options.log, label: 'dockerhub' },
    );
    return settle(post, 'success', (result) => `Docker Hub (${redactUrl(url)}) accepted the build trigger (${result.status})`);
  },
};
