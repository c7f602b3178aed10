/**
 * The signed deploy webhook, for the deploy agent or any receiver: a JSON description of the push,
 * signed with HMAC-SHA256 (see `signature.ts`). With a callback URL the Deployment stays
 * `in_progress` until the receiver reports; without one, an accepted request is the success.
 * @module
 */
import type { DeployConfig, DeployRequest, DeployTarget, FireOptions, TargetOutcome } from './types.js';
import { postWithRetry } from './retry.js';
import { fromEnv, settle } from './fire.js';
import { redactUrl } from './redact.js';
import { signedHeaders } from './signature.js';

/** The body of a deploy webhook (snake_case: receivers may be written in any language). */
export interface DeployWebhookBody {
  /** `owner/repo`. */
  repository: string;
  /** The pushed ref (`refs/heads/main`). */
  ref: string;
  /** The commit to deploy. */
  sha: string;
  /** Its git tree SHA. */
  tree: string;
  /** GitHub Deployment environment. */
  environment: string;
  /** Replay key: the push's delivery id (the same on a redelivered push). */
  delivery_id: string;
  /** Unix seconds when signed; receivers refuse it when too far from their clock. */
  timestamp: number;
  /** When the push arrived (ms since epoch), so the receiver can report push → live. */
  pushed_at_ms: number;
  /** The GitHub Deployment to report on. */
  deployment_id?: number;
  /** Where to POST the signed outcome. */
  callback_url?: string;
}

/** Builds the webhook body for a push. */
export function webhookBody(
  request: DeployRequest,
  extra: { deploymentId?: number; callbackUrl?: string; now?: number },
): DeployWebhookBody {
  return {
    repository: `${request.owner}/${request.repo}`,
    ref: request.ref,
    sha: request.sha,
    tree: request.tree,
    environment: request.environment,
    delivery_id: request.deliveryId,
    timestamp: Math.floor((extra.now ?? Date.now()) / 1000),
    pushed_at_ms: request.pushedAt,
    ...(extra.deploymentId !== undefined ? { deployment_id: extra.deploymentId } : {}),
    ...(extra.callbackUrl !== undefined ? { callback_url: extra.callbackUrl } : {}),
  };
}

function names(config: DeployConfig) {
  return { url: config.webhook?.url_env ?? 'DEPLOY_WEBHOOK_URL', secret: config.webhook?.secret_env ?? 'DEPLOY_WEBHOOK_SECRET' };
}

/** The signed webhook target. */
export const webhookTarget: DeployTarget = {
  id: 'webhook',
  configured: (config) => config.webhook !== undefined,
  variables: (config) => [names(config).url, names(config).secret],
  describe: (config) => `would POST signed webhook to $${names(config).url} (signed with $${names(config).secret})`,
  async fire(request: DeployRequest, options: FireOptions): Promise<TargetOutcome> {
    const env = names(options.config);
    const url = fromEnv(options.env, env.url, 'The deploy webhook URL');
    if (typeof url !== 'string') return url;
    const secret = fromEnv(options.env, env.secret, 'The deploy webhook secret');
    if (typeof secret !== 'string') return secret;
    const payload = webhookBody(request, {
      ...(options.deploymentId !== undefined ? { deploymentId: options.deploymentId } : {}),
      ...(options.callbackUrl !== undefined ? { callbackUrl: options.callbackUrl } : {}),
    });
    const body = JSON.stringify(payload);
    const post = postWithRetry(
      { url, body, headers: signedHeaders(body, secret, payload.delivery_id, payload.timestamp), secrets: [secret] },
      { ...options.retry, log: options.log, label: 'webhook' },
    );
    const waiting = options.callbackUrl !== undefined;
    return settle(post, waiting ? 'in_progress' : 'success', (result) =>
      waiting
        ? `${redactUrl(url)} accepted the deploy (${result.status}); waiting for its report`
        : `${redactUrl(url)} accepted the deploy (${result.status})`,
    );
  },
};
