/**
 * The deploy agent's report, both ends: the body it POSTs to the app (signed like the deploy webhook)
 * and the app's handler, which turns a verified report into the Deployment status to set.
 * @module
 */
import { DEFAULT_MAX_SKEW_SECONDS, verifySignedRequest, type IncomingHeaders } from './signature.js';
import { MAX_STATUS_DESCRIPTION, truncate } from './run.js';

export { AGENT_CALLBACK_PATH } from './types.js';

/** What the agent reports after running (or dropping) a deployment. */
export interface AgentReportBody {
  /** The deploy webhook's delivery id this answers. */
  delivery_id: string;
  /** Unix seconds when signed. */
  timestamp: number;
  /** `owner/repo`. */
  repository: string;
  /** The GitHub Deployment to mark. */
  deployment_id: number;
  /** The commit deployed. */
  sha: string;
  /** The environment. */
  environment: string;
  /** `success` when the command exited 0. */
  status: 'success' | 'failure';
  /** The command's exit code (null when killed, or when it never ran). */
  exit_code: number | null;
  /** How long the command ran. */
  duration_ms: number;
  /** When the push arrived at the app (from the webhook), for push → live. */
  pushed_at_ms?: number;
  /** When the command ended. */
  finished_at_ms: number;
  /** Last lines of the command's output. */
  output_tail: string;
  /** Why it did not run, when it did not (superseded by a newer push). */
  reason?: string;
  /**
   * Set when a newer deployment replaced this one before it ran: the Deployment becomes `inactive`,
   * not `failure` (nothing failed). `status` stays `failure` for apps that predate this field.
   */
  superseded_by?: string;
}

/** A verified report, as the app needs it to set the Deployment status. */
export interface AgentCallback {
  /** The deploy delivery it answers. */
  deliveryId: string;
  /** The Deployment to mark. */
  deploymentId: number;
  /** Repository owner. */
  owner: string;
  /** Repository name. */
  repo: string;
  /** The Deployment state to set (`inactive` when a newer deployment replaced it before it ran). */
  state: 'success' | 'failure' | 'inactive';
  /** Deployment status description (≤ 140 characters). */
  description: string;
  /** Push → live, when the agent succeeded and knew the push time. */
  pushToLiveMs?: number;
  /** The command's exit code. */
  exitCode: number | null;
  /** Tail of the command's output, for logs. */
  outputTail: string;
}

/** A refused report: answer `status` with `error`. */
export interface AgentCallbackError {
  /** Why (safe to send back). */
  error: string;
  /** 400 or 401. */
  status: 400 | 401;
}

/** Verifies and reads a report POSTed to {@link AGENT_CALLBACK_PATH}. */
export function handleAgentCallback(
  rawBody: string,
  headers: IncomingHeaders,
  secret: string,
  options: { maxSkewSeconds?: number; now?: number } = {},
): AgentCallback | AgentCallbackError {
  const verified = verifySignedRequest(rawBody, headers, secret, {
    maxSkewSeconds: options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS,
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  if (!verified.ok) return { error: verified.reason, status: verified.status };
  const body = verified.body as Partial<AgentReportBody>;
  const [owner, repo, ...rest] = typeof body.repository === 'string' ? body.repository.split('/') : [];
  if (!owner || !repo || rest.length > 0 || typeof body.deployment_id !== 'number' || (body.status !== 'success' && body.status !== 'failure')) {
    return { error: 'report lacks repository, deployment_id or status', status: 400 };
  }
  const pushToLiveMs =
    body.status === 'success' && typeof body.pushed_at_ms === 'number' && typeof body.finished_at_ms === 'number'
      ? body.finished_at_ms - body.pushed_at_ms
      : undefined;
  return {
    deliveryId: verified.deliveryId,
    deploymentId: body.deployment_id,
    owner,
    repo,
    state: typeof body.superseded_by === 'string' ? 'inactive' : body.status,
    description: truncate(describeReport(body, pushToLiveMs), MAX_STATUS_DESCRIPTION),
    ...(pushToLiveMs !== undefined ? { pushToLiveMs } : {}),
    exitCode: typeof body.exit_code === 'number' ? body.exit_code : null,
    outputTail: typeof body.output_tail === 'string' ? body.output_tail : '',
  };
}

function describeReport(body: Partial<AgentReportBody>, pushToLiveMs: number | undefined): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  if (body.reason) return body.reason;
  if (body.status === 'success') {
    const live = pushToLiveMs !== undefined ? `, push → live ${seconds(pushToLiveMs)}` : '';
    return `deployed by the agent in ${seconds(body.duration_ms ?? 0)}${live}`;
  }
  const lastLine = (body.output_tail ?? '').trim().split('\n').pop() ?? '';
  return `deploy command exited with ${String(body.exit_code ?? 'a signal')}${lastLine ? `: ${lastLine}` : ''}`;
}

/**
 * The repository a report claims to be about, read WITHOUT verification: only for choosing which
 * secret to verify it with (the repository's `deploy.webhook.secret_env`). Act on nothing else
 * before {@link handleAgentCallback} accepted the report.
 */
export function claimedRepository(rawBody: string): { owner: string; repo: string } | undefined {
  try {
    const repository = (JSON.parse(rawBody) as { repository?: unknown }).repository;
    if (typeof repository !== 'string') return undefined;
    const [owner, repo, ...rest] = repository.split('/');
    return owner && repo && rest.length === 0 ? { owner, repo } : undefined;
  } catch {
    return undefined;
  }
}
