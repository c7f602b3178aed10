/**
 * Timing and retry settings shared by both queue implementations, with their defaults and the
 * backoff formula, so the SQLite and BullMQ queues retry and recover the same way.
 * @module
 */

/** How a queue retries, leases and polls. Every field has a production default; tests shorten them. */
export interface QueueTuning {
  /** Attempts before a job that keeps throwing `RetryableJobError` is marked failed. */
  maxAttempts: number;
  /** Delay before the first retry; doubles with every further attempt. */
  backoffBaseMs: number;
  /** Ceiling of the retry delay. */
  backoffMaxMs: number;
  /**
   * How long a worker owns a job without renewing its lease. A worker that dies (kill -9) loses the
   * job this long after its last renewal, and another worker takes it. Renewed every third of it.
   */
  leaseMs: number;
  /** How often an idle worker looks for jobs stored by other processes. */
  pollMs: number;
}

/**
 * Defaults. Five attempts with a 5 s base cover a GitHub or network hiccup of about a minute
 * (5 + 10 + 20 + 40 s) without keeping a check queued for long; a 30 s lease bounds how late a
 * dead worker's job is taken over, and is long enough that a busy event loop never loses one.
 */
export const DEFAULT_TUNING: QueueTuning = {
  maxAttempts: 5,
  backoffBaseMs: 5_000,
  backoffMaxMs: 5 * 60_000,
  leaseMs: 30_000,
  pollMs: 250,
};

/** Part of the spread of a retry delay left to chance, so that jobs failed together do not retry together. */
export const BACKOFF_JITTER = 0.5;

/**
 * Settings from `QG_MAX_ATTEMPTS`, `QG_LEASE_MS`, `QG_BACKOFF_MS`, `QG_POLL_MS` over the defaults.
 * @param env Process environment.
 * @param overrides Values that win over the environment (tests).
 */
export function tuningFrom(env: NodeJS.ProcessEnv, overrides: Partial<QueueTuning> = {}): QueueTuning {
  return {
    maxAttempts: positiveInt(env, 'QG_MAX_ATTEMPTS') ?? DEFAULT_TUNING.maxAttempts,
    backoffBaseMs: positiveInt(env, 'QG_BACKOFF_MS') ?? DEFAULT_TUNING.backoffBaseMs,
    backoffMaxMs: DEFAULT_TUNING.backoffMaxMs,
    leaseMs: positiveInt(env, 'QG_LEASE_MS') ?? DEFAULT_TUNING.leaseMs,
    pollMs: positiveInt(env, 'QG_POLL_MS') ?? DEFAULT_TUNING.pollMs,
    ...overrides,
  };
}

/**
 * Delay before attempt `attempt + 1`, after `attempt` failed: exponential with jitter, capped.
 * @param attempt The attempt that failed (1 for the first).
 * @param tuning Base and ceiling.
 * @param random Source of jitter in [0, 1).
 */
export function retryDelayMs(attempt: number, tuning: QueueTuning, random: () => number = Math.random): number {
  const full = Math.min(tuning.backoffMaxMs, tuning.backoffBaseMs * 2 ** (attempt - 1));
  return Math.floor(full * (1 - BACKOFF_JITTER) + full * BACKOFF_JITTER * random());
}

/**
 * A positive integer from the environment, or undefined when unset.
 * @param env Process environment.
 * @param name Variable name.
 */
export function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name}=${raw} is not a positive whole number: set it to one (or unset it for the default)`);
  }
  return value;
}
