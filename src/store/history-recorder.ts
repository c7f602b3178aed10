/**
 * Where a finished job's record goes, chosen once per process: written to the local history (the
 * embedded queue, whose workers share the web process's file), or parked for the web process (Redis,
 * where workers run elsewhere). Writes happen after the job's check runs are completed, off the job's
 * path (`setImmediate`), and a failing write is logged and dropped: the dashboard may miss a run, a
 * check run never waits for it. Retention (`QG_HISTORY_DAYS`) is applied at most once an hour.
 * @module
 */
import type { Logger } from '../gates/types.js';
import type { HistoryRelay } from './history-relay.js';
import { DEFAULT_HISTORY_DAYS, type HistoryRun, type HistoryStore } from './history.js';

/** How often old runs are pruned (at most). */
export const PRUNE_INTERVAL_MS = 3600 * 1000;

/** What {@link createHistoryRecorder} needs. */
export interface HistoryRecorderOptions {
  /** The local history (absent when the process has none). */
  store?: HistoryStore;
  /** The Redis relay: when present, workers park records instead of writing them. */
  relay?: HistoryRelay;
  /** Days of history kept. */
  days: number;
  /** Failures. */
  log: Logger;
  /** Clock (tests). */
  now?: () => number;
}

/** Records runs and, in the web process with Redis, receives them. */
export interface HistoryRecorder {
  /** Hands a run on; resolves with the job's result (a relay ticket, or nothing). Never rejects. */
  recordHistory(run: HistoryRun): Promise<unknown>;
  /** Writes a run into the local history now (the web process, for relayed runs). Never throws. */
  write(run: HistoryRun): void;
  /** Takes a relayed record named by a job's result and writes it. Never rejects. */
  receive(result: unknown): Promise<void>;
}

/**
 * `QG_HISTORY_DAYS`, a positive whole number of days.
 * @param env Process environment.
 */
export function historyDaysFrom(env: NodeJS.ProcessEnv): number {
  const text = env.QG_HISTORY_DAYS;
  if (text === undefined || text === '') return DEFAULT_HISTORY_DAYS;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1) throw new Error(`QG_HISTORY_DAYS=${text} is not a number of days: set it to a whole number ≥ 1 (default ${String(DEFAULT_HISTORY_DAYS)})`);
  return days;
}

/** Builds the recorder of this process. */
export function createHistoryRecorder(options: HistoryRecorderOptions): HistoryRecorder {
  const { store, relay, log } = options;
  const now = options.now ?? Date.now;
  let prunedAt = 0;

  function write(run: HistoryRun): void {
    if (!store) return;
    try {
      store.record(run);
      if (now() - prunedAt >= PRUNE_INTERVAL_MS) {
        prunedAt = now();
        const pruned = store.prune(now() - options.days * 24 * 3600 * 1000);
        if (pruned > 0) log.info({ pruned, days: options.days }, 'old runs removed from the history');
      }
    } catch (error) {
      log.warn({ err: error, jobId: run.jobId }, 'could not write the run into the history; the dashboard will miss it');
    }
  }

  return {
    write,
    async recordHistory(run) {
      if (relay) {
        return relay.send(run).catch((error: unknown) => {
          log.warn({ err: error, jobId: run.jobId }, 'could not hand the run to the web process; the dashboard will miss it');
          return undefined;
        });
      }
      setImmediate(() => write(run));
      return undefined;
    },
    async receive(result) {
      try {
        const run = await relay?.take(result);
        if (run) write(run);
      } catch (error) {
        log.warn({ err: error }, 'could not take a relayed run; the dashboard will miss it');
      }
    },
  };
}
