/**
 * A deploy request the agent accepted, read from a verified webhook body, and the environment its
 * command runs with.
 * @module
 */
import type { DeployWebhookBody } from '../webhook.js';

/** A deployment to run. */
export interface AgentJob {
  /** The webhook's delivery id. */
  deliveryId: string;
  /** `owner/repo`. */
  repository: string;
  /** Pushed ref. */
  ref: string;
  /** Commit to deploy. */
  sha: string;
  /** Its tree. */
  tree: string;
  /** Environment name. */
  environment: string;
  /** When the push arrived at the app (ms), or when the request was signed. */
  pushedAtMs: number;
  /** GitHub Deployment to report on. */
  deploymentId?: number;
  /** Where to report. */
  callbackUrl?: string;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The job described by a verified body, or the reason it is not one. */
export function jobFromBody(body: Record<string, unknown>, deliveryId: string, timestamp: number): AgentJob | string {
  const b = body as Partial<Record<keyof DeployWebhookBody, unknown>>;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const repository = str(b.repository);
  const ref = str(b.ref);
  const sha = str(b.sha);
  const environment = str(b.environment);
  if (!repository?.includes('/') || !ref || !sha || !SHA.test(sha) || !environment) {
    return 'body needs repository (owner/repo), ref, a full hex sha and environment';
  }
  if (b.callback_url !== undefined && (typeof b.callback_url !== 'string' || !URL.canParse(b.callback_url))) {
    return 'callback_url is not a URL';
  }
  return {
    deliveryId,
    repository,
    ref,
    sha,
    tree: str(b.tree) ?? '',
    environment,
    pushedAtMs: typeof b.pushed_at_ms === 'number' ? b.pushed_at_ms : timestamp * 1000,
    ...(typeof b.deployment_id === 'number' ? { deploymentId: b.deployment_id } : {}),
    ...(typeof b.callback_url === 'string' ? { callbackUrl: b.callback_url } : {}),
  };
}

/**
 * The image tag of a commit as docker/metadata-action names it by default (`type=sha`: `sha-` and
 * the first 7 hex digits), so a compose file can use `image: app:${QG_TAG}`.
 */
export function imageTag(sha: string): string {
  return `sha-${sha.slice(0, 7)}`;
}

/** Agent variables the command must not see (its own secrets). */
const HIDDEN = ['QG_AGENT_SECRET', 'QG_AGENT_CALLBACK_SECRET'];

/** The command's environment: the agent's own, minus its secrets, plus the deployment's `QG_*`. */
export function commandEnv(job: AgentJob, base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined && !HIDDEN.includes(key)) env[key] = value;
  return {
    ...env,
    QG_SHA: job.sha,
    QG_TAG: imageTag(job.sha),
    QG_REF: job.ref,
    QG_BRANCH: job.ref.replace(/^refs\/(heads|tags)\//, ''),
    QG_TREE: job.tree,
    QG_ENVIRONMENT: job.environment,
    QG_REPOSITORY: job.repository,
    QG_DELIVERY_ID: job.deliveryId,
    ...(job.deploymentId !== undefined ? { QG_DEPLOYMENT_ID: String(job.deploymentId) } : {}),
  };
}
