/**
 * The deploy agent: a small HTTP service on the server that runs the site. It accepts signed deploy
 * webhooks, answers 202 at once, runs the configured command one deployment at a time, and reports
 * the outcome to the app, signed.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../http-body.js';
import { spawnCapped } from '../../sandbox/spawn.js';
import { DEFAULT_MAX_SKEW_SECONDS, verifySignedRequest } from '../signature.js';
import { commandEnv, jobFromBody, type AgentJob } from './job.js';
import { ReplayGuard } from './replay.js';
import { SerialRunner } from './runner.js';
import { sendReport, type JobResult } from './report.js';
import { DEFAULT_COMMAND_TIMEOUT_SECONDS, type DeployAgentOptions } from './options.js';
import { repositoryMatcher } from '../repositories.js';

/** Largest request body accepted (a deploy webhook is a few hundred bytes). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Output of the command kept (head and tail) while it runs. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** A running agent. */
export interface DeployAgentHandle {
  /** The port it listens on (useful with port 0). */
  port: number;
  /** Stops listening, drops a waiting deployment and waits for the running one to end. */
  close(): Promise<void>;
  /** Resolves when no deployment runs or waits (and its report was sent). */
  idle(): Promise<void>;
}

/** Starts the agent and resolves once it listens. */
export async function startDeployAgent(options: DeployAgentOptions): Promise<DeployAgentHandle> {
  const log = options.log;
  if (options.repositories.length === 0) throw new Error('the deploy agent serves no repository: give it at least one (QG_AGENT_REPOSITORIES=owner/name)');
  const maxSkew = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  const guard = await ReplayGuard.open(options.stateFile);
  const serves = repositoryMatcher(options.repositories);
  const reportSecret = options.callbackSecret ?? options.secret;
  const report = (job: AgentJob, result: JobResult) =>
    sendReport(job, result, { secret: reportSecret, log, ...(options.callbackRetry ? { retry: options.callbackRetry } : {}) });

  const execute = async (job: AgentJob): Promise<void> => {
    log.info({ deliveryId: job.deliveryId, sha: job.sha, environment: job.environment }, 'deploy command starting');
    const run = await spawnCapped(['/bin/sh', '-c', options.command], {
      cwd: options.cwd ?? process.cwd(),
      env: commandEnv(job, options.env ?? process.env),
      timeoutMs: (options.commandTimeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_SECONDS) * 1000,
      maxOutputBytes: MAX_OUTPUT_BYTES,
    });
    const ok = run.exitCode === 0 && !run.timedOut;
    const output = `${run.stdout}${run.stderr}${run.timedOut ? '\n[quality-gates: deploy command timed out and was killed]' : ''}`;
    log.info({ deliveryId: job.deliveryId, sha: job.sha, exitCode: run.exitCode, durationMs: run.durationMs, ok }, 'deploy command ended');
    await report(job, { ok, exitCode: run.exitCode, durationMs: run.durationMs, output });
  };
  const runner = new SerialRunner<AgentJob>(execute, async (dropped, by) => {
    log.info({ deliveryId: dropped.deliveryId, sha: dropped.sha, by: by.sha }, 'deployment superseded before it ran');
    await report(dropped, { ok: false, exitCode: null, durationMs: 0, output: '', reason: `superseded by ${by.sha.slice(0, 12)} before it ran`, supersededBy: by.sha });
  });

  const accept = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const raw = await readBody(request, MAX_BODY_BYTES);
    if (raw === undefined) return reply(response, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
    const verified = verifySignedRequest(raw, request.headers, options.secret, { maxSkewSeconds: maxSkew });
    if (!verified.ok) {
      log.warn({ status: verified.status, reason: verified.reason, remote: request.socket.remoteAddress }, 'deploy request refused');
      return reply(response, verified.status, { error: verified.reason });
    }
    const job = jobFromBody(verified.body, verified.deliveryId, verified.timestamp);
    if (typeof job === 'string') return reply(response, 400, { error: job });
    if (!serves(job.repository)) {
      // Signed with the right secret, so the sender holds it: refused all the same, nothing runs.
      log.warn({ deliveryId: job.deliveryId, repository: job.repository, remote: request.socket.remoteAddress }, 'deploy request for a repository this agent does not serve refused');
      return reply(response, 403, { error: `this agent does not deploy ${job.repository}` });
    }
    // Remembered until the timestamp could no longer pass the skew check on its own.
    if (!(await guard.claim(verified.deliveryId, (verified.timestamp + maxSkew) * 1000))) {
      log.warn({ deliveryId: verified.deliveryId }, 'replayed deploy request refused');
      return reply(response, 409, { error: 'delivery already accepted' });
    }
    reply(response, 202, { accepted: true, delivery_id: job.deliveryId, sha: job.sha });
    runner.submit(job);
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://agent');
    if (url.pathname === '/healthz' && request.method === 'GET') {
      const state = runner.state();
      return reply(response, 200, { ok: true, running: state.running, waiting: state.waiting?.sha ?? null });
    }
    if (url.pathname !== '/deploy') return reply(response, 404, { error: 'not found' });
    if (request.method !== 'POST') return reply(response, 405, { error: 'use POST' });
    accept(request, response).catch((error: unknown) => {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'deploy request failed');
      if (!response.headersSent) reply(response, 500, { error: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ host: options.host, port }, 'deploy agent listening');
  return {
    port,
    idle: () => runner.idle(),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await runner.drain();
      await closed;
    },
  };
}

function reply(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

