/**
 * The deploy agent reported: find the repository's installation (as the app) and set the GitHub
 * Deployment's status with the installation's token.
 * @module
 */
import type { Probot } from 'probot';
import type { Octokit } from '../github/types.js';
import { GitHubClient } from '../github/client.js';

/** A verified agent report, as the route hands it over. */
export interface DeploymentReport {
  /** Repository owner. */
  owner: string;
  /** Repository name. */
  repo: string;
  /** The Deployment to mark. */
  deploymentId: number;
  /** Its new state. */
  state: 'success' | 'failure' | 'inactive';
  /** Status description (≤ 140 characters). */
  description: string;
}

/** Sets the Deployment's status from the agent's report. */
export async function markDeployment(probot: Probot, report: DeploymentReport): Promise<void> {
  const app = (await probot.auth()) as unknown as Octokit;
  const { data } = await app.rest.apps.getRepoInstallation({ owner: report.owner, repo: report.repo });
  const github = new GitHubClient((await probot.auth(data.id)) as unknown as Octokit);
  await github.createDeploymentStatus({
    owner: report.owner,
    repo: report.repo,
    deployment_id: report.deploymentId,
    state: report.state,
    description: report.description,
  });
}
