/**
 * The deploy step: for each configured target, once per sha — claim, create a GitHub Deployment,
 * fire, and move the Deployment's status to what the target answered. Records come back for the
 * check summary; a dry run produces the same records and calls nothing (not even GitHub: a
 * Deployment is a lasting record in the environment's history, and a dry run must leave none).
 * Before anything is sent, every variable a target reads must be bound to the pushing repository
 * (`bindings.ts`); a refused target gets a failed Deployment that says how to bind it.
 * @module
 */
import type { Config } from '../config/schema.js';
import type { GateResult } from '../gates/types.js';
import type { OnceLedger } from '../store/types.js';
import type {
  DeployConfig,
  DeploymentsApi,
  DeploymentState,
  DeployOutcome,
  DeployRecord,
  DeployRequest,
  DeployTarget,
  Logger,
  TargetOutcome,
} from './types.js';
import type { RetryOptions } from './retry.js';
import { TARGETS } from './targets.js';
import { redact } from './redact.js';
import { bindingRefusal, loadBindings, type DeployBindings } from './bindings.js';

import { shouldDeploy, type DeployDecision } from './policy.js';

export { shouldDeploy };

/** GitHub refuses Deployment status descriptions longer than 140 characters (REST API docs). */
export const MAX_STATUS_DESCRIPTION = 140;

/** What `runDeploy` needs. */
export interface RunDeployInput {
  /** The push. */
  request: DeployRequest;
  /** The `deploy:` section (undefined: nothing to do). */
  config: Config['deploy'];
  /** The app's environment, where the secrets named in the config live. */
  env: NodeJS.ProcessEnv;
  /** GitHub's Deployments API for this installation. */
  deployments: DeploymentsApi;
  /** Durable "once per sha and target" claims. */
  ledger: OnceLedger;
  /** Structured log, scoped to the job. */
  log: Logger;
  /** Overrides `deploy.dry_run`. */
  dryRun?: boolean;
  /** The app's public URL of `AGENT_CALLBACK_PATH`, for receivers that report back. */
  callbackUrl?: string;
  /** Link shown on the Deployment (the check run). */
  logUrl?: string;
  /** HTTP timeout and backoff for the targets. */
  retry?: Partial<RetryOptions>;
  /** The operator's deploy bindings (default: read from `env` on each call). */
  bindings?: DeployBindings;
}

/** The ledger key that makes a target fire once per sha. */
export function ledgerKey(request: Pick<DeployRequest, 'owner' | 'repo' | 'sha'>, target: string): string {
  return `deploy:${request.owner}/${request.repo}:${request.sha}:${target}`;
}

/** The values of the environment variables the config names: what must never be shown. */
export function configSecrets(config: DeployConfig, env: NodeJS.ProcessEnv): string[] {
  const names = Object.values(TARGETS).flatMap((target) => target.variables(config));
  return names.flatMap((name) => (env[name] ? [env[name]] : []));
}

/** Fires every configured target for a push that passed; resolves with one record per target. */
export async function runDeploy(input: RunDeployInput): Promise<DeployOutcome> {
  const config = input.config;
  if (config === undefined) return { records: [], failed: false };
  const targets = Object.values(TARGETS).filter((t) => t.configured(config));
  let bindings: DeployBindings;
  try {
    bindings = input.bindings ?? loadBindings(input.env);
  } catch (error) {
    // The operator's mistake, not the repository's: nothing is sent and no Deployment is recorded.
    input.log.warn({ err: describe(error) }, 'deploy bindings are invalid');
    const message = `nothing sent: the app's deploy bindings are invalid: ${describe(error)}`;
    const records = targets.map((target): DeployRecord => ({ target: target.id, status: 'failure', message, durationMs: 0, dryRun: false }));
    return { records, failed: records.length > 0 };
  }
  const records = await Promise.all(targets.map((target) => deployTo(target, config, input, bindings)));
  return { records, failed: records.some((r) => r.status === 'failure') };
}

/**
 * The pipeline's deploy step in one call: decides with {@link shouldDeploy} and, when the push
 * qualifies, runs `runDeploy`. A push that does not qualify calls nothing.
 */
export async function deployOnGreen(
  input: RunDeployInput & { defaultBranch: string; results: readonly GateResult[] },
): Promise<{ decision: DeployDecision; outcome?: DeployOutcome }> {
  const decision = shouldDeploy({
    pushRef: input.request.ref,
    defaultBranch: input.defaultBranch,
    deployConfig: input.config,
    results: input.results,
  });
  if (!decision.deploy) {
    input.log.info({ sha: input.request.sha, reason: decision.reason }, 'not deploying');
    return { decision };
  }
  return { decision, outcome: await runDeploy(input) };
}

async function deployTo(target: DeployTarget, config: DeployConfig, input: RunDeployInput, bindings: DeployBindings): Promise<DeployRecord> {
  const started = Date.now();
  const { request, log } = input;
  const clean = (text: string) => redact(text, configSecrets(config, input.env));
  const record = (status: DeployRecord['status'], message: string, extra: Partial<DeployRecord> = {}): DeployRecord => ({
    target: target.id,
    status,
    message: clean(message),
    durationMs: Date.now() - started,
    dryRun: false,
    ...extra,
  });
  const repository = `${request.owner}/${request.repo}`;
  const refusals = target.variables(config).flatMap((name) => bindingRefusal(bindings, repository, name) ?? []);
  if (input.dryRun ?? config.dry_run) {
    if (refusals.length > 0) return record('failure', `dry run: would refuse: ${refusals.join('; ')}`, { dryRun: true });
    return record('skipped', `dry run: ${target.describe(config)}`, { dryRun: true });
  }
  if (refusals.length > 0) return refuse(target, input, refusals, record);
  const key = ledgerKey(request, target.id);
  if (!(await input.ledger.claim(key))) {
    log.info({ target: target.id, sha: request.sha }, 'deploy target already triggered for this sha');
    return record('skipped', `already triggered for ${request.sha.slice(0, 12)}`);
  }
  let deploymentId: number;
  try {
    deploymentId = await createDeployment(input, target);
    await setStatus(input, deploymentId, 'in_progress', `triggering ${target.id}`);
  } catch (error) {
    // Nothing was fired: give the claim back so a re-run can deploy.
    await input.ledger.release(key);
    log.warn({ target: target.id, err: clean(describe(error)) }, 'could not create the GitHub Deployment');
    return record('failure', `could not create the GitHub Deployment: ${describe(error)}`);
  }
  let outcome: TargetOutcome;
  try {
    outcome = await target.fire(request, {
      config,
      env: input.env,
      deploymentId,
      log,
      ...(input.callbackUrl !== undefined ? { callbackUrl: input.callbackUrl } : {}),
      ...(input.retry !== undefined ? { retry: input.retry } : {}),
    });
  } catch (error) {
    outcome = { status: 'failure', message: `${target.id} failed unexpectedly: ${describe(error)}`, attempts: 0 };
  }
  // A trigger that was refused or never arrived deployed nothing: a re-run may try again.
  if (outcome.status === 'failure') await input.ledger.release(key);
  const message = clean(outcome.message);
  const state: DeploymentState = outcome.status;
  const pushToTriggerMs = outcome.sentAt !== undefined && outcome.status !== 'failure' ? outcome.sentAt - request.pushedAt : undefined;
  // The timing goes first so the 140-character limit never cuts it off.
  const timing = pushToTriggerMs !== undefined ? `push → trigger ${formatSeconds(pushToTriggerMs)}; ` : '';
  try {
    await setStatus(input, deploymentId, state, `${timing}${message}`);
  } catch (error) {
    log.warn({ target: target.id, deploymentId, err: clean(describe(error)) }, 'could not update the GitHub Deployment status');
  }
  const result = record(outcome.status, message, {
    deploymentId,
    attempts: outcome.attempts,
    ...(pushToTriggerMs !== undefined ? { pushToTriggerMs } : {}),
  });
  log.info(
    { target: target.id, status: result.status, deploymentId, attempts: result.attempts, pushToTriggerMs, message },
    'deploy target fired',
  );
  return result;
}

/** A GitHub Deployment of the pushed sha for `target`. */
function createDeployment(input: RunDeployInput, target: DeployTarget): Promise<number> {
  const { request } = input;
  return input.deployments.createDeployment({
    owner: request.owner,
    repo: request.repo,
    ref: request.sha,
    environment: request.environment,
    description: `quality-gates: ${target.id}`,
    auto_merge: false,
    required_contexts: [],
    payload: { target: target.id, tree: request.tree, delivery_id: request.deliveryId },
  });
}

/**
 * A target whose variables are not bound to the repository: no claim (binding the variable and
 * re-running deploys), nothing sent, a Deployment marked `failure` with the refusal.
 */
async function refuse(
  target: DeployTarget,
  input: RunDeployInput,
  refusals: readonly string[],
  record: (status: DeployRecord['status'], message: string, extra?: Partial<DeployRecord>) => DeployRecord,
): Promise<DeployRecord> {
  const { request, log } = input;
  const message = `${refusals.join('; ')}; nothing was sent`;
  log.warn({ target: target.id, repository: `${request.owner}/${request.repo}`, refusals }, 'deploy target refused: variable not bound to the repository');
  try {
    const deploymentId = await createDeployment(input, target);
    await setStatus(input, deploymentId, 'failure', message);
    return record('failure', message, { deploymentId, attempts: 0 });
  } catch (error) {
    log.warn({ target: target.id, err: describe(error) }, 'could not record the refused deploy as a GitHub Deployment');
    return record('failure', message, { attempts: 0 });
  }
}

async function setStatus(input: RunDeployInput, deploymentId: number, state: DeploymentState, description: string): Promise<void> {
  await input.deployments.createDeploymentStatus({
    owner: input.request.owner,
    repo: input.request.repo,
    deployment_id: deploymentId,
    state,
    description: truncate(description, MAX_STATUS_DESCRIPTION),
    ...(input.logUrl !== undefined ? { log_url: input.logUrl } : {}),
  });
}

/** Milliseconds as seconds with one decimal (`0.4 s`), as the Deployment status shows them. */
export function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** `text` cut to `max` characters, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
