/**
 * deploy: a push to the deploy branch whose gates all passed fires the configured targets (once per
 * sha and target, through the ledger); the records become lines of the check summary.
 * @module
 */
import type { Config } from '../config/schema.js';
import type { GateResult } from '../gates/types.js';
import { runDeploy, shouldDeploy } from '../deploy/run.js';
import { AGENT_CALLBACK_PATH, type DeployOutcome } from '../deploy/types.js';
import type { Job } from '../queue/job.js';
import type { PipelineDeps } from './deps.js';

/**
 * Whether the job is a branch push that may deploy (so its checks wait for the deploy to report it).
 * A push may arrive as `check_suite.requested` first (the two are one job), so both triggers count.
 */
export function mayDeploy(job: Job, config: Config): boolean {
  return (job.trigger === 'push' || job.trigger === 'check_suite') && job.ref !== undefined && config.deploy !== undefined;
}

/**
 * The repository's page of deployments to `environment` on GitHub (or GitHub Enterprise, from Probot's
 * `GHE_HOST`/`GHE_PROTOCOL`), which lists the Deployment with its statuses.
 */
export function deploymentsPageUrl(env: NodeJS.ProcessEnv, owner: string, repo: string, environment: string): string {
  const base = env.GHE_HOST ? `${env.GHE_PROTOCOL ?? 'https'}://${env.GHE_HOST}` : 'https://github.com';
  return `${base}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/deployments/${encodeURIComponent(environment)}`;
}

/** One summary line per target; `pageUrl` links each Deployment's page. */
export function deployNotes(outcome: DeployOutcome, pageUrl?: string): string[] {
  return outcome.records.map((record) => {
    const name = `Deployment ${String(record.deploymentId)}`;
    const link = record.deploymentId === undefined ? '' : ` (${pageUrl ? `[${name}](${pageUrl})` : name})`;
    const timing = record.pushToTriggerMs === undefined ? '' : `, ${String(record.pushToTriggerMs)} ms after the push`;
    return `**Deploy ${record.target}:** ${record.status}${record.dryRun ? ' (dry run)' : ''} — ${record.message}${link}${timing}`;
  });
}

/** Fires the deploy targets when the push and the results allow it; returns the summary lines. */
export async function deployStep(job: Job, deps: PipelineDeps, config: Config, results: GateResult[], tree: string | undefined): Promise<string[]> {
  if (!mayDeploy(job, config) || job.ref === undefined) return [];
  const decision = shouldDeploy({ pushRef: job.ref, defaultBranch: job.defaultBranch, deployConfig: config.deploy, results });
  if (!decision.deploy || config.deploy === undefined) return [`**Deploy:** not triggered — ${decision.reason}`];
  const outcome = await runDeploy({
    request: {
      owner: job.owner,
      repo: job.repo,
      ref: job.ref,
      sha: job.sha,
      tree: tree ?? '',
      environment: config.deploy.environment,
      deliveryId: job.deliveryId,
      pushedAt: job.receivedAt,
    },
    config: config.deploy,
    env: deps.env,
    deployments: deps.github,
    ledger: deps.ledger,
    log: deps.log,
    ...(deps.publicUrl ? { callbackUrl: new URL(AGENT_CALLBACK_PATH, deps.publicUrl).toString() } : {}),
  });
  return deployNotes(outcome, deploymentsPageUrl(deps.env, job.owner, job.repo, config.deploy.environment));
}
