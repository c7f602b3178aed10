/**
 * A job: one commit of one repository to put through the gates, as the app stores it and a worker
 * takes it. The same type travels through the SQLite and the BullMQ queues.
 * @module
 */
import type { GateName } from '../gates/types.js';

/** The webhook event a job came from. */
export type JobTrigger = 'pull_request' | 'push' | 'check_suite' | 'check_run' | 'redelivery';

/** One commit to check. */
export interface Job {
  /** Unique id of the job (also the external id of its check runs). */
  id: string;
  /** The `X-GitHub-Delivery` id of the webhook that created it, for deduplication and logs. */
  deliveryId: string;
  /** What created it. */
  trigger: JobTrigger;
  /** The GitHub App installation that may act on the repository. */
  installationId: number;
  /** Repository owner login. */
  owner: string;
  /** Repository name. */
  repo: string;
  /** Whether the repository is private, as the webhook said (the dashboard shows public ones to anyone). */
  private?: boolean;
  /** The repository's default branch: the config is read from there. */
  defaultBranch: string;
  /** The commit to check. */
  sha: string;
  /** The branch ref pushed (`refs/heads/main`), for pushes. */
  ref?: string;
  /** For pull requests: number, base and head. */
  pullRequest?: { number: number; baseSha: string; baseRef: string; headRef: string };
  /** Gates to run (all three, or the one whose check run was re-requested). */
  gates: GateName[];
  /** Check runs already created for this job, by gate (created `queued` when the webhook arrived). */
  checkRunIds: Partial<Record<GateName, number>>;
  /** When the webhook arrived (ms since epoch), for latency figures. */
  receivedAt: number;
}

/** Lifecycle of a stored job. */
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
