/**
 * Webhook event → job, as pure functions: what to run (which commit, which gates, why), how to
 * recognise a duplicate delivery, and which older jobs a new one supersedes. No I/O here, so every
 * mapping is table-tested with GitHub's own example payloads.
 * @module
 */
import { GATE_NAMES, type GateName } from '../gates/types.js';
import type { Job, JobTrigger } from '../queue/job.js';
import { gateOfCheckName } from '../github/types.js';

/** The pull_request actions that put a new head in front of reviewers. */
export const PULL_REQUEST_ACTIONS = ['opened', 'synchronize', 'reopened', 'ready_for_review'] as const;

/** The check_suite actions that ask for the checks: a new suite, or "Re-run all checks". */
export const CHECK_SUITE_ACTIONS = ['requested', 'rerequested'] as const;

/** A job to store, with its deduplication and supersede keys. */
export interface JobPlan {
  /** Run it. */
  kind: 'job';
  /** The job, with an empty `checkRunIds`. */
  job: Job;
  /** The same key means the same work: a redelivered webhook is stored once. */
  dedupKey: string;
  /** Jobs with the same key are older work for the same pull request or branch: cancelled by this one. */
  supersedeKey?: string;
}

/** Nothing to do, and why (logged; the webhook is answered 200). */
export interface Ignored {
  /** Skip it. */
  kind: 'ignored';
  /** Why, in a few words. */
  reason: string;
}

/** The payload lacks what its event promises (answered 4xx: GitHub records the failed delivery). */
export interface Malformed {
  /** Reject it. */
  kind: 'malformed';
  /** What is missing. */
  reason: string;
}

/** What one delivery becomes. */
export type EventPlan = JobPlan | Ignored | Malformed;

/** One verified delivery, as the webhook route hands it over. */
export interface WebhookEvent {
  /** `X-GitHub-Event`. */
  name: string;
  /** `X-GitHub-Delivery`. */
  id: string;
  /** The parsed body. */
  payload: unknown;
}

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}
function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** Fields every job needs: installation and repository. */
function repoFields(payload: Obj): Omit<Job, 'id' | 'deliveryId' | 'trigger' | 'sha' | 'gates' | 'checkRunIds' | 'receivedAt'> | string {
  const repository = obj(payload.repository);
  const owner = str(obj(repository?.owner)?.login);
  const repo = str(repository?.name);
  const defaultBranch = str(repository?.default_branch) ?? str(repository?.master_branch);
  if (!owner || !repo || !defaultBranch) return 'repository owner, name or default branch missing';
  const installationId = num(obj(payload.installation)?.id);
  if (installationId === undefined) return 'installation id missing';
  const visibility = repository?.private;
  return { installationId, owner, repo, defaultBranch, ...(typeof visibility === 'boolean' ? { private: visibility } : {}) };
}

/**
 * GitHub announces every branch push twice to an app with checks: as `push` and as
 * `check_suite.requested`. Both get this key — the commit and the branch, not the delivery — so
 * whichever arrives first runs and the other is a duplicate.
 */
function branchCommitKey(job: Job): string {
  return ['branch-commit', `${job.owner}/${job.repo}`, job.sha, job.ref ?? '', job.gates.join(',')].join('|');
}

function keys(job: Job, options: { supersedeKey?: string; dedupKey?: string } = {}): JobPlan {
  const dedupKey = options.dedupKey ?? [job.deliveryId, `${job.owner}/${job.repo}`, job.sha, job.gates.join(','), job.trigger].join('|');
  return { kind: 'job', job, dedupKey, ...(options.supersedeKey ? { supersedeKey: options.supersedeKey } : {}) };
}

interface Base {
  id: string;
  deliveryId: string;
  receivedAt: number;
}

function build(base: Base, fields: Exclude<ReturnType<typeof repoFields>, string>, trigger: JobTrigger, sha: string, gates: GateName[], extra: Partial<Job> = {}): Job {
  return { ...base, ...fields, trigger, sha, gates, checkRunIds: {}, ...extra };
}

function fromPullRequest(payload: Obj, base: Base): EventPlan {
  const action = str(payload.action);
  if (!PULL_REQUEST_ACTIONS.includes(action as (typeof PULL_REQUEST_ACTIONS)[number])) {
    return { kind: 'ignored', reason: `pull_request.${action ?? '?'} does not change the code under review` };
  }
  const fields = repoFields(payload);
  const pr = obj(payload.pull_request);
  const number = num(pr?.number) ?? num(payload.number);
  const head = obj(pr?.head);
  const baseRef = obj(pr?.base);
  const sha = str(head?.sha);
  if (typeof fields === 'string') return fields.startsWith('installation') ? { kind: 'ignored', reason: fields } : { kind: 'malformed', reason: fields };
  if (!pr || number === undefined || !sha || !str(baseRef?.sha) || !str(baseRef?.ref)) {
    return { kind: 'malformed', reason: 'pull_request number, head sha or base missing' };
  }
  const pullRequest = { number, baseSha: String(baseRef?.sha), baseRef: String(baseRef?.ref), headRef: str(head?.ref) ?? '' };
  const job = build(base, fields, 'pull_request', sha, [...GATE_NAMES], { pullRequest });
  return keys(job, { supersedeKey: `${fields.owner}/${fields.repo}#${number}` });
}

function fromPush(payload: Obj, base: Base): EventPlan {
  const ref = str(payload.ref);
  if (!ref?.startsWith('refs/heads/')) return { kind: 'ignored', reason: 'not a branch push (tags are not checked)' };
  if (payload.deleted === true) return { kind: 'ignored', reason: 'branch deleted' };
  const fields = repoFields(payload);
  if (typeof fields === 'string') return fields.startsWith('installation') ? { kind: 'ignored', reason: fields } : { kind: 'malformed', reason: fields };
  const sha = str(payload.after);
  if (!sha || /^0+$/.test(sha)) return { kind: 'malformed', reason: 'push without an `after` commit' };
  const job = build(base, fields, 'push', sha, [...GATE_NAMES], { ref });
  return keys(job, { supersedeKey: `${fields.owner}/${fields.repo}@${ref}`, dedupKey: branchCommitKey(job) });
}

function fromCheckSuite(payload: Obj, base: Base): EventPlan {
  const action = str(payload.action);
  if (!CHECK_SUITE_ACTIONS.includes(action as (typeof CHECK_SUITE_ACTIONS)[number])) {
    return { kind: 'ignored', reason: `check_suite.${action ?? '?'} asks for nothing` };
  }
  const fields = repoFields(payload);
  if (typeof fields === 'string') return fields.startsWith('installation') ? { kind: 'ignored', reason: fields } : { kind: 'malformed', reason: fields };
  const suite = obj(payload.check_suite);
  const sha = str(suite?.head_sha);
  if (!sha) return { kind: 'malformed', reason: 'check_suite head sha missing' };
  const branch = str(suite?.head_branch);
  const job = build(base, fields, 'check_suite', sha, [...GATE_NAMES], branch ? { ref: `refs/heads/${branch}` } : {});
  // "Re-run all checks" must run again; a new suite is the same work as the push that caused it.
  if (action === 'requested' && branch) {
    return keys(job, { supersedeKey: `${fields.owner}/${fields.repo}@refs/heads/${branch}`, dedupKey: branchCommitKey(job) });
  }
  return keys(job);
}

function fromCheckRun(payload: Obj, base: Base): EventPlan {
  if (str(payload.action) !== 'rerequested') return { kind: 'ignored', reason: `check_run.${str(payload.action) ?? '?'} asks for nothing` };
  const fields = repoFields(payload);
  if (typeof fields === 'string') return fields.startsWith('installation') ? { kind: 'ignored', reason: fields } : { kind: 'malformed', reason: fields };
  const run = obj(payload.check_run);
  const sha = str(run?.head_sha);
  const name = str(run?.name);
  if (!sha || !name) return { kind: 'malformed', reason: 'check_run head sha or name missing' };
  const gate = gateOfCheckName(name, GATE_NAMES);
  if (!gate) return { kind: 'ignored', reason: `check run ${name} is not one of ours` };
  const pr = obj((run?.pull_requests as unknown[] | undefined)?.[0]);
  const prNumber = num(pr?.number);
  const prBase = obj(pr?.base);
  const prHead = obj(pr?.head);
  const extra: Partial<Job> =
    prNumber !== undefined && str(prBase?.sha) && str(prBase?.ref)
      ? { pullRequest: { number: prNumber, baseSha: String(prBase?.sha), baseRef: String(prBase?.ref), headRef: str(prHead?.ref) ?? '' } }
      : {};
  const job = build(base, fields, 'check_run', sha, [gate], extra);
  return keys(job);
}

/**
 * Maps one delivery to a job, or says why there is none. `newId` names the job (also its check runs'
 * external id); `now` stamps its arrival.
 */
export function planEvent(event: WebhookEvent, newId: () => string, now: number): EventPlan {
  const payload = obj(event.payload);
  if (!payload) return { kind: 'malformed', reason: 'payload is not a JSON object' };
  const base: Base = { id: newId(), deliveryId: event.id, receivedAt: now };
  switch (event.name) {
    case 'pull_request':
      return fromPullRequest(payload, base);
    case 'push':
      return fromPush(payload, base);
    case 'check_suite':
      return fromCheckSuite(payload, base);
    case 'check_run':
      return fromCheckRun(payload, base);
    default:
      return { kind: 'ignored', reason: `${event.name} events are not handled` };
  }
}
