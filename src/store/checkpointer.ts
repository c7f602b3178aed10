/**
 * A thread that checkpoints the store's write-ahead log several times a second on its own
 * connection, so that no connection the app answers webhooks or runs jobs on ever waits for an
 * fsync.
 *
 * The store commits with `synchronous = NORMAL`: a commit is in the log as soon as it returns, and
 * survives the app being killed at any moment, but the log is only fsynced when it is checkpointed.
 * A power cut or kernel crash can therefore take the commits of the last
 * {@link CHECKPOINT_INTERVAL_MS} or so — the same class of guarantee as Redis's
 * `appendfsync everysec`. What must not happen is a `queued` check run on GitHub whose job a power
 * cut took: it would block merges for good. So the `queued` check runs of a job are created only
 * once a checkpoint that began after its commit has completed ({@link Checkpointer.whenDurable}).
 * An fsync on every enqueue (`synchronous = FULL`, used before) held webhook answers behind the
 * disk's slow moments: 20–40 ms, several times a second under load (docs/benchmarks.md).
 * @module
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { APP_ROOT } from '../paths.js';

/** How often the log is checkpointed (and so fsynced): what a power cut could take from the file. */
export const CHECKPOINT_INTERVAL_MS = 100;

// Plain CommonJS evaluated by the thread: no TypeScript loader there (≈ 2 MB instead of ≈ 10 MB).
// A PASSIVE checkpoint takes no lock that writers wait for; with synchronous = NORMAL, SQLite fsyncs
// the log before copying it into the database file, and the database file after.
// A message asks to be told when everything committed before it is on disk: that is so once a
// checkpoint started after it has copied the whole log (log = checkpointed frames).
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('synchronous = NORMAL');
let asked = false;
parentPort.on('message', () => { asked = true; });
setInterval(() => {
  const asking = asked;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (asking && result.busy === 0 && result.log === result.checkpointed) {
      asked = false;
      parentPort.postMessage('durable');
    }
  } catch {
    // The disk failed or the file is busy: the next round tries again, and SQLite's automatic
    // checkpoint (every 1,000 pages of log, on the connection that writes) is still behind this one.
  }
}, workerData.intervalMs);
`;

/**
 * Longest {@link Checkpointer.whenDurable} waits. A checkpoint copies the whole log only when no
 * reader holds an older snapshot; should one (another process on the file) hold it for long, jobs
 * must still start: past this the wait ends without the guarantee.
 */
export const MAX_DURABLE_WAIT_MS = 5_000;

/** Callers waiting for the same checkpoint. */
interface Round {
  promise: Promise<void>;
  release(): void;
}

/** A running checkpoint thread. */
export interface Checkpointer {
  /**
   * Resolves once everything committed before the call is on disk (in the database file, fsynced).
   * Resolves at once when the thread has stopped, so nothing waits for good on a dead thread.
   */
  whenDurable(): Promise<void>;
  /** Stops the thread. */
  close(): Promise<void>;
}

/**
 * Starts checkpointing `file` every {@link CHECKPOINT_INTERVAL_MS}. The thread does not keep the
 * process alive.
 * @param file Path of the SQLite file (already created in WAL mode).
 * @param busyTimeoutMs How long a checkpoint may wait for a lock.
 * @param intervalMs Time between checkpoints.
 * @param maxWaitMs Longest a {@link Checkpointer.whenDurable} call waits.
 */
export function startCheckpointer(file: string, busyTimeoutMs: number, intervalMs = CHECKPOINT_INTERVAL_MS, maxWaitMs = MAX_DURABLE_WAIT_MS): Checkpointer {
  const driver = createRequire(path.join(APP_ROOT, 'package.json')).resolve('better-sqlite3');
  const thread = new Worker(THREAD_SOURCE, { eval: true, execArgv: [], workerData: { driver, file, busyTimeoutMs, intervalMs } });
  thread.unref();
  // One shared wait per question, not one promise and timer per caller: at 200 webhooks a second,
  // per-caller timers and closures were most of what a job left for the garbage collector here.
  // `asked` covers the commits before the question the thread has; `later`, those after it was sent.
  let asked: Round | undefined;
  let later: Round | undefined;
  let stopped = false;
  const round = (): Round => {
    const waiting: Round = { promise: Promise.resolve(), release: () => undefined };
    waiting.promise = new Promise((resolve) => {
      const timer = setTimeout(resolve, maxWaitMs);
      timer.unref();
      waiting.release = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    return waiting;
  };
  thread.on('message', () => {
    asked?.release();
    asked = later;
    later = undefined;
    if (asked !== undefined) thread.postMessage('when');
  });
  // A thread that dies leaves SQLite's automatic checkpoints; its waiters go on without it.
  const stop = () => {
    stopped = true;
    asked?.release();
    later?.release();
    asked = later = undefined;
  };
  thread.on('error', stop);
  thread.on('exit', stop);
  return {
    whenDurable() {
      if (stopped) return Promise.resolve();
      if (asked === undefined) {
        asked = round();
        thread.postMessage('when');
        return asked.promise;
      }
      later ??= round();
      return later.promise;
    },
    async close() {
      await thread.terminate();
      stop();
    },
  };
}
