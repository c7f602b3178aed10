/**
 * The agent's side of the callback: sign the outcome and POST it to the app, with the same retries
 * as any deploy target (the app may be restarting while the site deploys).
 * @module
 */
import type { Logger } from '../../gates/types.js';
import type { AgentReportBody } from '../callback.js';
import { postWithRetry, DeliveryError, type RetryOptions } from '../retry.js';
import { signedHeaders } from '../signature.js';
import type { AgentJob } from './job.js';

/** Characters of the command's output sent back: the end is where the error is. */
export const OUTPUT_TAIL_CHARS = 2000;

/** How a job ended. */
export interface JobResult {
  /** True when the command exited 0. */
  ok: boolean;
  /** Exit code, null when killed or never run. */
  exitCode: number | null;
  /** How long it ran. */
  durationMs: number;
  /** Its output (stdout then stderr). */
  output: string;
  /** Why it did not run, when it did not. */
  reason?: string;
  /** The sha of the newer deployment that replaced this one before it ran. */
  supersededBy?: string;
}

/** The report body for a finished (or dropped) job. */
export function reportBody(job: AgentJob, result: JobResult, now = Date.now()): AgentReportBody {
  return {
    delivery_id: job.deliveryId,
    timestamp: Math.floor(now / 1000),
    repository: job.repository,
    deployment_id: job.deploymentId ?? 0,
    sha: job.sha,
    environment: job.environment,
    status: result.ok ? 'success' : 'failure',
    exit_code: result.exitCode,
    duration_ms: result.durationMs,
    pushed_at_ms: job.pushedAtMs,
    finished_at_ms: now,
    output_tail: result.output.slice(-OUTPUT_TAIL_CHARS),
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    ...(result.supersededBy !== undefined ? { superseded_by: result.supersededBy } : {}),
  };
}

/** Sends the signed report when the job asked for one; logs and never rejects. */
export async function sendReport(
  job: AgentJob,
  result: JobResult,
  options: { secret: string; log: Logger; retry?: Partial<RetryOptions> },
): Promise<void> {
  if (job.callbackUrl === undefined || job.deploymentId === undefined) return;
  const body = reportBody(job, result);
  const text = JSON.stringify(body);
  try {
    await postWithRetry(
      { url: job.callbackUrl, body: text, headers: signedHeaders(text, options.secret, body.delivery_id, body.timestamp), secrets: [options.secret] },
      { ...options.retry, log: options.log, label: 'callback' },
    );
    options.log.info({ deliveryId: job.deliveryId, status: body.status }, 'deploy outcome reported');
  } catch (error) {
    const message = error instanceof DeliveryError ? error.message : String(error);
    options.log.warn({ deliveryId: job.deliveryId, err: message }, 'could not report the deploy outcome');
  }
}
