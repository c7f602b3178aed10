/**
 * `quality-gates serve`: the web process. Without credentials it starts Probot's setup flow (the page
 * that registers the GitHub App from `app.yml`); with them, an HTTP server with the webhook route, the
 * extra routes, and — unless `QG_WORKERS=0` — in-process workers.
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { APP_ROOT, RUNTIME } from '../paths.js';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProbot, type Probot } from 'probot';
import { AppOctokit } from '../github/octokit.js';
import type { GateName } from '../gates/types.js';
import type { Octokit } from '../github/types.js';
import { HANDLED_EVENTS, receiveDelivery, type AppDeps } from './app.js';
import { createWebhookReceiver, DEFAULT_WEBHOOK_PATH } from './webhook-receiver.js';
import { installationAuth, RequestGauge, startCheckRunOutbox, type CheckRunOutbox } from '../github/check-run-outbox.js';
import { createRoutes } from './routes.js';
import { createRuntime, type Runtime } from './runtime.js';
import { markDeployment } from './deployment-callback.js';
import { hookDeliveriesApi } from '../github/deliveries.js';
import { redeliverMissedDeliveries } from '../queue/redeliver.js';
import { closeOnSignals } from './signals.js';
import { createLogger } from './logger.js';
import { startSetupServer } from './setup-server.js';
import { startWebhookProxy } from './webhook-proxy.js';
import { lazyDashboard } from '../dashboard/lazy.js';

/** A running server. */
export interface RunningServer {
  /** The port it listens on. */
  port: number;
  /** Stops taking requests, stops the workers (their jobs are given back) and closes the store. */
  close(): Promise<void>;
}

/** Probot's default port, used when `PORT` is unset. */
export const DEFAULT_PORT = 3000;

function hasCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.APP_ID) && Boolean(env.PRIVATE_KEY ?? env.PRIVATE_KEY_PATH);
}

/** Loads `./.env` into the process environment, as `probot run` does. */
function loadDotEnv(env: NodeJS.ProcessEnv): void {
  if (env === process.env && existsSync('.env')) process.loadEnvFile('.env');
}

/** The port from `PORT`; `0` asks the system for a free one (tests). */
export function portFrom(env: NodeJS.ProcessEnv): number {
  if (env.PORT === undefined || env.PORT === '') return DEFAULT_PORT;
  const port = Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT=${env.PORT} is not a port number: set it to 0–65535`);
  return port;
}

function listen(server: HttpServer, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, ...(host ? { host } : {}) }, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeHttp(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

async function buildHandler(
  probot: Probot,
  runtime: Runtime,
  env: NodeJS.ProcessEnv,
  pendingCheckRuns: Map<string, Promise<Partial<Record<GateName, number>>>>,
  checkRuns: CheckRunOutbox,
) {
  const routes = createRoutes({
    health: () => runtime.health(),
    metrics: async () => ({ contentType: runtime.metrics.registry.contentType, body: await runtime.metrics.registry.metrics() }),
    ...(env.DEPLOY_WEBHOOK_SECRET
      ? { deploymentStatus: { secret: env.DEPLOY_WEBHOOK_SECRET, mark: (report) => markDeployment(probot, report) } }
      : {}),
    configDocs: () => readFile(path.join(APP_ROOT, 'docs', 'configuration.md'), 'utf8'),
    log: probot.log,
  });
  const app = (await probot.auth()) as unknown as Octokit;
  const deps: AppDeps = {
    queue: runtime.queued.queue,
    pendingCheckRuns,
    checkRuns,
    installation: (installationId) => ({
      auth: () => installationAuth(app, installationId),
      octokit: async () => (await probot.auth(installationId)) as unknown as Octokit,
    }),
  };
  const webhooks = createWebhookReceiver({
    secret: env.WEBHOOK_SECRET ?? '',
    receive: (event, log) => receiveDelivery(event, deps, log),
    log: probot.log,
    events: HANDLED_EVENTS,
    onAnswered: (event, status, seconds) => runtime.metrics.webhookAck.observe({ event, status: String(status) }, seconds),
    ...(env.WEBHOOK_PATH ? { path: env.WEBHOOK_PATH } : {}),
  });
  const history = runtime.history;
  const dashboard = history
    ? lazyDashboard(async () => {
        const { mountDashboard } = await import('../dashboard/index.js');
        return mountDashboard({
          history,
          queue: runtime.queued.queue,
          backend: runtime.queued.backend,
          sandbox: async () => (await runtime.health()).sandbox,
          installation: async (id) => (await probot.auth(id)) as unknown as Octokit,
          env,
          log: probot.log,
        });
      })
    : undefined;
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      if (await webhooks(req, res)) return;
      if (await routes(req, res)) return;
      if (dashboard && (await dashboard(req, res))) return;
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    } catch (error) {
      probot.log.error({ err: error }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end();
    }
  };
}

/** The address this process reaches its own server on: `HOST`, unless that is a wildcard. */
function loopbackHost(host: string | undefined): string {
  if (host === undefined || host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** How far back missed deliveries are looked for: GitHub keeps the delivery log for 3 days. */
export const REDELIVERY_WINDOW_MS = 3 * 24 * 3600 * 1000;

/** Redelivers webhooks that failed while the app was down; runs in the background after start. */
async function catchUp(probot: Probot, runtime: Runtime): Promise<void> {
  try {
    const app = (await probot.auth()) as unknown as Octokit;
    await redeliverMissedDeliveries(hookDeliveriesApi(app), runtime.queued.store.cursors, {
      since: new Date(Date.now() - REDELIVERY_WINDOW_MS),
      log: probot.log,
    });
  } catch (error) {
    probot.log.warn({ err: error }, 'could not catch up on missed webhook deliveries; they stay in GitHub\'s delivery log');
  }
}

/**
 * Starts the web process. `PORT=0` picks a free port (reported in the result and the log).
 * @param env The environment (default `process.env`, after loading `./.env`).
 */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  loadDotEnv(env);
  if (!hasCredentials(env)) return startSetupServer(env, portFrom(env));
  const probot = createProbot({ env, overrides: { Octokit: AppOctokit, log: await createLogger(env) } });
  // Probot builds its logger asynchronously: `probot.log` is null until it is ready.
  await probot.ready();
  if (!env.WEBHOOK_SECRET) probot.log.error('WEBHOOK_SECRET is not set: every webhook delivery will be answered 400. Set it to the GitHub App\'s webhook secret (docs/deployment.md).');
  const pendingCheckRuns = new Map<string, Promise<Partial<Record<GateName, number>>>>();
  const runtime = await createRuntime({
    env,
    log: probot.log,
    auth: async (id) => (await probot.auth(id)) as unknown as Octokit,
    pendingCheckRuns,
  });
  const gauge = new RequestGauge();
  const checkRuns = startCheckRunOutbox({}, gauge);
  const handler = await buildHandler(probot, runtime, env, pendingCheckRuns, checkRuns);
  const stopHistory = await runtime.receiveHistory();
  const server = createServer((req, res) => {
    gauge.enter();
    res.once('close', () => gauge.leave());
    void handler(req, res);
  });
  const port = await listen(server, portFrom(env), env.HOST);
  probot.log.info({ port, store: runtime.queued.backend, runtime: RUNTIME }, `quality-gates listening on port ${String(port)}`);
  if (env.QG_WORKERS !== '0') runtime.startWorkers();
  if (env.QG_REDELIVER !== '0') void catchUp(probot, runtime);
  const proxy = env.WEBHOOK_PROXY_URL
    ? await startWebhookProxy({ source: env.WEBHOOK_PROXY_URL, target: `http://${loopbackHost(env.HOST)}:${String(port)}${env.WEBHOOK_PATH ?? DEFAULT_WEBHOOK_PATH}`, log: probot.log })
    : undefined;
  const running = {
    port,
    async close() {
      await proxy?.close();
      await closeHttp(server);
      await checkRuns.close();
      await stopHistory();
      await runtime.close();
    },
  };
  if (env === process.env) closeOnSignals(running.close, probot.log);
  return running;
}
