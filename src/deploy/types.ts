/**
 * The deploy step's contracts: the narrow slice of GitHub's Deployments API it needs, what a push
 * hands it, and the interface every deploy target (Docker Hub, signed webhook) implements.
 * @module
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../gates/types.js';
import type { RetryOptions } from './retry.js';

/** The validated `deploy:` section (present: a repository without one deploys nothing). */
export type DeployConfig = NonNullable<Config['deploy']>;

/** States of a GitHub Deployment status this app sets. */
export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/**
 * The part of GitHub's Deployments API the deploy step calls; the app's GitHub client implements it
 * structurally (`POST /repos/{owner}/{repo}/deployments` and `…/deployments/{id}/statuses`).
 */
export interface DeploymentsApi {
  /** Creates a Deployment of `ref` (a sha) and resolves with its id. */
  createDeployment(params: {
    owner: string;
    repo: string;
    ref: string;
    environment: string;
    description: string;
    /** Always false: the gates already decided, GitHub must not merge the default branch in. */
    auto_merge: false;
    /** Always empty: the gates' checks passed, GitHub must not wait for other contexts. */
    required_contexts: [];
    payload: Record<string, unknown>;
  }): Promise<number>;
  /** Adds a status to a Deployment. */
  createDeploymentStatus(params: {
    owner: string;
    repo: string;
    deployment_id: number;
    state: DeploymentState;
    description: string;
    log_url?: string;
    environment_url?: string;
  }): Promise<void>;
}

/** One push to deploy. */
export interface DeployRequest {
  /** Repository owner login. */
  owner: string;
  /** Repository name. */
  repo: string;
  /** The pushed ref (`refs/heads/main`). */
  ref: string;
  /** The pushed commit. */
  sha: string;
  /** Its git tree SHA (the result-cache key, and what the receiver may verify it built). */
  tree: string;
  /** GitHub Deployment environment (`deploy.environment`). */
  environment: string;
  /** `X-GitHub-Delivery` of the push: the receiver's replay key, the same on a redelivery. */
  deliveryId: string;
  /** When the push webhook arrived (ms since epoch): the start of "push → trigger". */
  pushedAt: number;
}

/** What a target made of one push. */
export interface TargetOutcome {
  /** `in_progress`: accepted, the receiver reports the result later (the deploy agent's callback). */
  status: 'success' | 'in_progress' | 'failure';
  /** One line for the check summary and the Deployment status; never holds a secret. */
  message: string;
  /** HTTP status of the last answer, when there was one. */
  httpStatus?: number;
  /** Requests sent (1 without retries). */
  attempts: number;
  /** When the accepted request was sent (ms since epoch). */
  sentAt?: number;
}

/** What {@link DeployTarget.fire} gets besides the request. */
export interface FireOptions {
  /** The `deploy:` section. */
  config: DeployConfig;
  /** Where the secrets named in the config are looked up (the app's environment). */
  env: NodeJS.ProcessEnv;
  /** The GitHub Deployment created for this push and target. */
  deploymentId?: number;
  /** Where the receiver should report the outcome (the app's `AGENT_CALLBACK_PATH`). */
  callbackUrl?: string;
  /** Timeout and backoff of the HTTP call. */
  retry?: Partial<RetryOptions>;
  /** Structured log. */
  log: Logger;
}

/** A deploy target; each lives in its own module and is registered in `TARGETS`. */
export interface DeployTarget {
  /** Name in the config, records and ledger keys (`dockerhub`, `webhook`). */
  readonly id: TargetId;
  /** Whether the config enables this target. */
  configured(config: DeployConfig): boolean;
  /**
   * The names of the app's environment variables it reads (URL, secret): the deploy step checks each
   * against the operator's bindings before anything is sent.
   */
  variables(config: DeployConfig): string[];
  /** What a dry run records: the call without its secret (`would POST … to $ENV_NAME`). */
  describe(config: DeployConfig): string;
  /** Sends the trigger; resolves with the outcome and never rejects for the target's own failure. */
  fire(request: DeployRequest, options: FireOptions): Promise<TargetOutcome>;
}

/** The deploy targets this app knows. */
export type TargetId = 'dockerhub' | 'webhook';

/** One target's line in the check summary. */
export interface DeployRecord {
  /** Which target. */
  target: TargetId;
  /**
   * `success`/`failure`: final; `in_progress`: waiting for the agent's callback; `skipped`: already
   * triggered for this sha, or a dry run.
   */
  status: TargetOutcome['status'] | 'skipped';
  /** One line, free of secrets. */
  message: string;
  /** The GitHub Deployment, when one was created. */
  deploymentId?: number;
  /** Time the deploy step spent on this target (ledger, Deployment, statuses, trigger). */
  durationMs: number;
  /** Time from the push to the accepted trigger, when it was sent. */
  pushToTriggerMs?: number;
  /** Requests sent to the target. */
  attempts?: number;
  /** True when nothing was called. */
  dryRun: boolean;
}

/** What `runDeploy` did, for the check summary. */
export interface DeployOutcome {
  /** One record per configured target, in registry order. */
  records: DeployRecord[];
  /** True when some target failed. */
  failed: boolean;
}

/** The logger type the deploy step takes (the engine's). */
export type { Logger };

/** Path of the app's route the deploy agent reports to. */
export const AGENT_CALLBACK_PATH = '/quality-gates/deploy-callback';
