// Sends deploy webhooks to an agent the way the app does (or forges them, for the refusal tests).
import { signedHeaders } from '../../src/deploy/signature.js';
import { webhookBody } from '../../src/deploy/webhook.js';
import type { DeployRequest } from '../../src/deploy/types.js';
import { SHA, TREE } from './helpers.js';

export const AGENT_SECRET = 'agent-secret-'.padEnd(40, 'x');

export function deployRequest(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return { owner: 'acme', repo: 'site', ref: 'refs/heads/main', sha: SHA, tree: TREE, environment: 'production', deliveryId: 'd-1', pushedAt: Date.now(), ...overrides };
}

/** POSTs a signed deploy webhook; `now` shifts the signed timestamp, `secret` forges it. */
export async function sendDeploy(
  url: string,
  options: { request?: Partial<DeployRequest>; callbackUrl?: string; deploymentId?: number; secret?: string; now?: number } = {},
): Promise<{ status: number; body: unknown }> {
  const payload = webhookBody(deployRequest(options.request), {
    deploymentId: options.deploymentId ?? 1000,
    ...(options.callbackUrl !== undefined ? { callbackUrl: options.callbackUrl } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  const body = JSON.stringify(payload);
  const response = await fetch(url, {
    method: 'POST',
    headers: signedHeaders(body, options.secret ?? AGENT_SECRET, payload.delivery_id, payload.timestamp),
    body,
  });
  return { status: response.status, body: await response.json() };
}
