/**
 * The `jobs` table's statements: every state change is one guarded UPDATE, so two processes on one
 * file cannot both take a job, and a worker that lost its lease cannot overwrite the new owner's work.
 * @module
 */
import type { StoreDatabase } from '../../store/database.js';
import type { Job, JobState } from '../job.js';

/** A job row as the worker needs it. */
export interface JobRow {
  /** The stored job. */
  job: Job;
  /** Attempts started, this one included. */
  attempts: number;
  /** Attempts allowed. */
  maxAttempts: number;
  /** State when read. */
  state: JobState;
}

/** One job to insert. */
export interface NewJob {
  /** The job. */
  job: Job;
  /** Deduplication key (unique across all stored jobs). */
  dedupKey: string;
  /** Jobs sharing it cancel each other (the newer wins). */
  supersedeKey: string | undefined;
  /** Attempts allowed. */
  maxAttempts: number;
}

interface RawRow {
  id: string;
  state: JobState;
  payload: string;
  attempts: number;
  max_attempts: number;
}

/** Why the worker that held a job died: recorded on jobs failed because of it. */
export const WORKER_DIED_REASON = 'its worker stopped renewing the lease (crashed or was killed) on every attempt';

function rowOf(raw: RawRow): JobRow {
  return { job: JSON.parse(raw.payload) as Job, attempts: raw.attempts, maxAttempts: raw.max_attempts, state: raw.state };
}

/** Stores a new job; a second job with the same dedup key changes nothing. */
const INSERT_JOB_SQL = `INSERT INTO jobs (id, dedup_key, supersede_key, state, payload, max_attempts, available_at, created_at, updated_at)
  VALUES (@id, @dedupKey, @supersedeKey, 'queued', @payload, @maxAttempts, @now, @now, @now)
  ON CONFLICT(dedup_key) DO NOTHING`;

/** The stored job with a dedup key. */
const JOB_BY_DEDUP_SQL = 'SELECT payload FROM jobs WHERE dedup_key = ?';

/** Cancels the queued and running jobs sharing a supersede key, except one. */
const CANCEL_SUPERSEDED_SQL = `UPDATE jobs SET state = 'cancelled', lease_expires_at = NULL, updated_at = @now
  WHERE supersede_key = @key AND id != @except AND state IN ('queued', 'running') RETURNING *`;

/** One job's check-run ids, to store in its payload. */
export interface CheckRunIdsUpdate {
  /** The job. */
  jobId: string;
  /** Its check-run ids by gate. */
  ids: Job['checkRunIds'];
}

/** Stores a job's check-run ids (JSON) in its payload. */
const SET_CHECK_RUN_IDS_SQL = `UPDATE jobs SET payload = json_set(payload, '$.checkRunIds', json(@ids)), updated_at = @now WHERE id = @id`;

/**
 * Prepared statements over the `jobs` table.
 * @param db Open store.
 */
export function jobTable(db: StoreDatabase) {
  const insert = db.prepare(INSERT_JOB_SQL);
  const byDedup = db.prepare<[string], { payload: string }>(JOB_BY_DEDUP_SQL);
  // Jobs whose worker died during the extra attempt are not handed out again (a job that kills its
  // worker would otherwise loop forever).
  const reap = db.prepare<{ now: number; reason: string }, RawRow>(
    `UPDATE jobs SET state = 'failed', last_error = @reason, lease_owner = NULL, updated_at = @now
     WHERE state = 'running' AND lease_expires_at <= @now AND attempts > max_attempts RETURNING *`,
  );
  const claim = db.prepare<{ now: number; owner: string; until: number }, RawRow>(
    `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = @owner,
       lease_expires_at = @until, updated_at = @now
     WHERE id = (SELECT id FROM jobs
       WHERE (state = 'queued' AND available_at <= @now)
          OR (state = 'running' AND lease_expires_at <= @now AND attempts <= max_attempts)
       ORDER BY available_at, created_at LIMIT 1)
     RETURNING *`,
  );
  const owned = `WHERE id = @id AND lease_owner = @owner AND state = 'running'`;
  const renew = db.prepare(`UPDATE jobs SET lease_expires_at = @until ${owned}`);
  const complete = db.prepare(
    `UPDATE jobs SET state = 'done', lease_owner = NULL, lease_expires_at = NULL, updated_at = @now ${owned}`,
  );
  const retry = db.prepare(
    `UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, available_at = @at,
       last_error = @error, updated_at = @now ${owned}`,
  );
  const fail = db.prepare(
    `UPDATE jobs SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL, last_error = @error,
       updated_at = @now ${owned}`,
  );
  const release = db.prepare(
    `UPDATE jobs SET state = 'queued', attempts = MAX(attempts - 1, 0), lease_owner = NULL,
       lease_expires_at = NULL, available_at = @now, updated_at = @now ${owned}`,
  );
  const recoverOwned = db.prepare(
    `UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, available_at = @now,
       updated_at = @now WHERE state = 'running' AND lease_owner = @owner AND attempts <= max_attempts`,
  );
  const cancel = db.prepare<{ key: string; except: string; now: number }, RawRow>(CANCEL_SUPERSEDED_SQL);
  const setCheckRuns = db.prepare(SET_CHECK_RUN_IDS_SQL);
  const supersedable = db.prepare<{ key: string; except: string }, { found: number }>(
    `SELECT EXISTS (SELECT 1 FROM jobs WHERE supersede_key = @key AND id != @except AND state IN ('queued', 'running')) AS found`,
  );
  const counts = db.prepare<[], { state: JobState; n: number }>('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state');
  const prune = db.prepare(
    `DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND updated_at < @before`,
  );
  const insertMany = db.transaction((jobs: NewJob[], now: number) =>
    jobs.map(({ job, dedupKey, supersedeKey, maxAttempts }) => {
      const params = { id: job.id, dedupKey, supersedeKey: supersedeKey ?? null, maxAttempts, now };
      if (insert.run({ ...params, payload: JSON.stringify(job) }).changes === 1) return { job, duplicate: false };
      const existing = byDedup.get(dedupKey);
      return { job: existing === undefined ? job : (JSON.parse(existing.payload) as Job), duplicate: true };
    }),
  );

  const setCheckRunIdsMany = db.transaction((updates: CheckRunIdsUpdate[], now: number) => {
    for (const { jobId, ids } of updates) setCheckRuns.run({ id: jobId, ids: JSON.stringify(ids), now });
  });

  return {
    /** Inserts jobs in one transaction; duplicates return the stored job. */
    insertMany: (jobs: NewJob[], now: number) => insertMany(jobs, now),
    /** Fails jobs whose worker died on their extra attempt; returns them. */
    reap: (now: number) => reap.all({ now, reason: WORKER_DIED_REASON }).map(rowOf),
    /** Takes the next ready job (or one whose lease expired) for `owner`. */
    claim: (owner: string, now: number, leaseMs: number): JobRow | undefined => {
      const raw = claim.get({ now, owner, until: now + leaseMs });
      return raw === undefined ? undefined : rowOf(raw);
    },
    /** Extends the lease; false when the job was cancelled or taken over. */
    renew: (id: string, owner: string, until: number) => renew.run({ id, owner, until }).changes === 1,
    /** Marks done, unless cancelled meanwhile. */
    complete: (id: string, owner: string, now: number) => complete.run({ id, owner, now }).changes === 1,
    /** Puts back for a later attempt. */
    retry: (id: string, owner: string, at: number, error: string, now: number) =>
      retry.run({ id, owner, at, error, now }).changes === 1,
    /** Marks failed. */
    fail: (id: string, owner: string, error: string, now: number) =>
      fail.run({ id, owner, error, now }).changes === 1,
    /** Gives back on shutdown without spending an attempt. */
    release: (id: string, owner: string, now: number) => release.run({ id, owner, now }).changes === 1,
    /** Re-queues jobs this worker id held in an earlier life. */
    recoverOwned: (owner: string, now: number) => recoverOwned.run({ owner, now }).changes,
    /** Whether `cancel` would cancel anything: a read, which never waits for the write lock. */
    hasSupersedable: (key: string, except: string) => supersedable.get({ key, except })?.found === 1,
    /** Cancels queued and running jobs with the key, except one; returns them. */
    cancel: (key: string, except: string, now: number) => cancel.all({ key, except, now }).map(rowOf),
    /** Stores the check-run ids of several jobs in one transaction. */
    setCheckRunIdsMany: (updates: CheckRunIdsUpdate[], now: number) => setCheckRunIdsMany(updates, now),
    /** Jobs by state. */
    counts: (): Record<JobState, number> => {
      const result: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
      for (const { state, n } of counts.all()) result[state] = n;
      return result;
    },
    /** Deletes finished jobs older than `before`; returns how many. */
    prune: (before: number) => prune.run({ before }).changes,
  };
}

/** The statements of {@link jobTable}. */
export type JobTable = ReturnType<typeof jobTable>;
