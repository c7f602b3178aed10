/**
 * The app's HTTP routes besides the webhook: `/healthz` (store and sandbox state, for the container's
 * HEALTHCHECK and load balancers), `/metrics` (Prometheus), and the deploy agent's signed callback,
 * which marks the GitHub Deployment.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http-body.js';
import { AGENT_CALLBACK_PATH, handleAgentCallback } from '../deploy/callback.js';
import type { Logger } from '../gates/types.js';
import { CONFIG_DOCS_PATH } from '../pipeline/report.js';

/** Path of the health endpoint (the Dockerfile's HEALTHCHECK calls it). */
export const HEALTH_PATH = '/healthz';

/** Path of the Prometheus endpoint. */
export const METRICS_PATH = '/metrics';

/** Largest callback body read: the agent sends a few KB (its output tail is capped). */
export const MAX_CALLBACK_BYTES = 256 * 1024;

/** What the health endpoint reports. */
export interface HealthReport {
  /** `ok` when the store answers; the sandbox is reported but does not make the app unhealthy. */
  status: 'ok' | 'unavailable';
  /** Whether the job store answers. */
  store: { backend: string; healthy: boolean };
  /** Whether repository code can run isolated, and why not. */
  sandbox: { available: boolean; mode?: string; reason?: string };
  /** Jobs by state. */
  jobs?: Record<string, number>;
}

/** What the routes need. */
export interface RouteDeps {
  /** Builds the health report. */
  health(): Promise<HealthReport>;
  /** Prometheus text and its content type. */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Marks a Deployment from a verified agent report; undefined when no callback secret is set. */
  deploymentStatus?: {
    secret: string;
    /** Sets the GitHub Deployment's status from the agent's verified report. */
    mark(report: { owner: string; repo: string; deploymentId: number; state: 'success' | 'failure' | 'inactive'; description: string }): Promise<void>;
  };
  /** Reads the configuration reference served at `CONFIG_DOCS_PATH`. */
  configDocs?: () => Promise<string>;
  /** Errors of the routes. */
  log: Logger;
}

/** A Node request handler that returns true when it answered. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): true {
  res.writeHead(status, { 'content-type': type }).end(body);
  return true;
}

async function callback(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<true> {
  if (req.method !== 'POST') return send(res, 405, JSON.stringify({ error: 'POST only' }));
  if (!deps.deploymentStatus) return send(res, 404, JSON.stringify({ error: 'deploy callbacks are not configured (set DEPLOY_WEBHOOK_SECRET)' }));
  const body = await readBody(req, MAX_CALLBACK_BYTES);
  if (body === undefined) return send(res, 413, JSON.stringify({ error: 'body too large' }));
  const report = handleAgentCallback(body, req.headers, deps.deploymentStatus.secret);
  if ('error' in report) return send(res, report.status, JSON.stringify({ error: report.error }));
  try {
    await deps.deploymentStatus.mark(report);
    return send(res, 200, JSON.stringify({ ok: true }));
  } catch (error) {
    deps.log.warn({ err: error, deploymentId: report.deploymentId }, 'could not mark the deployment');
    return send(res, 502, JSON.stringify({ error: 'could not update the GitHub Deployment; retry later' }));
  }
}

/** The handler serving the extra routes; other paths are left to the next handler. */
export function createRoutes(deps: RouteDeps): RouteHandler {
  return async (req, res) => {
    // Not `new URL`: this runs for every webhook, and only the path before any query matters here.
    const pathname = (req.url ?? '/').split('?', 1)[0];
    if (pathname === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      const report = await deps.health();
      return send(res, report.status === 'ok' ? 200 : 503, JSON.stringify(report));
    }
    if (pathname === METRICS_PATH && req.method === 'GET') {
      const { contentType, body } = await deps.metrics();
      return send(res, 200, body, contentType);
    }
    if (pathname === AGENT_CALLBACK_PATH) return callback(req, res, deps);
    if (pathname === CONFIG_DOCS_PATH && req.method === 'GET' && deps.configDocs) {
      return send(res, 200, await deps.configDocs(), 'text/markdown; charset=utf-8');
    }
    return false;
  };
}
