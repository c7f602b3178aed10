/**
 * Creates the `queued` check runs of stored jobs in a `worker_threads` thread
 * (`check-run-thread.js`). Through Probot's Octokit each creation cost the event loop about 1 ms of
 * CPU (three per delivery), which is what held webhook answers back under load; the thread does the
 * requests on the other core with keep-alive connections, and the web thread only posts a message.
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { GateName } from '../gates/types.js';
import { checkName, type Octokit, type RepoRef } from './types.js';

/** What the thread needs to call GitHub as an installation. */
export interface InstallationAuth {
  /** REST API root (`https://api.github.com`, or `…/api/v3` on GitHub Enterprise). */
  baseUrl: string;
  /** Installation access token. */
  token: string;
  /** Sent as `User-Agent` (GitHub refuses requests without one). */
  userAgent: string;
}

/** The `queued` check runs of one job. */
export interface QueuedCheckRunsRequest extends RepoRef {
  /** Credentials of the job's installation. */
  auth: InstallationAuth;
  /** Commit the runs are on. */
  headSha: string;
  /** The job id, so a worker can find the runs again on GitHub. */
  externalId: string;
  /** One run per gate. */
  gates: readonly GateName[];
}

/** What became of a request: the runs created, and why the others were not. */
export interface QueuedCheckRuns {
  /** Check-run ids by gate. */
  ids: Partial<Record<GateName, number>>;
  /** One line per run that could not be created (after retries). */
  errors: string[];
}

/** Creates queued check runs off the event loop. */
export interface CheckRunOutbox {
  /** Creates the runs; never rejects (failures are in `errors`). */
  create(request: QueuedCheckRunsRequest): Promise<QueuedCheckRuns>;
  /** Stops the thread; requests still out end with an error each. */
  close(): Promise<void>;
}

/** How the thread paces and retries. */
export interface OutboxSettings {
  /** Jobs whose runs are created at once (three requests each). */
  concurrency: number;
  /** Attempts per check run, the first included. */
  maxAttempts: number;
  /** A request without an answer for this long is abandoned and tried again. */
  requestTimeoutMs: number;
  /** First retry delay, doubled per attempt, with jitter. */
  baseDelayMs: number;
  /** Longest wait a rate-limit answer (`retry-after`, `x-ratelimit-reset`) is honoured for. */
  maxWaitMs: number;
  /**
   * How long a job's runs wait for a quiet moment (see {@link RequestGauge}) before they go anyway —
   * unless more than {@link OutboxSettings.busyInflight} webhook requests are being answered (a burst).
   */
  maxHoldMs: number;
  /** Requests being answered above which the runs keep waiting after `maxHoldMs`. */
  busyInflight: number;
  /** Longest a job's runs wait in any case. */
  maxBusyHoldMs: number;
  /** How long without a request arriving or being answered counts as a quiet moment. */
  quietMs: number;
  /** Nice value of the thread (Linux: per thread; 19 is the lowest priority). */
  nice: number;
  /**
   * How long the web thread gathers requests into one message to the thread. One message per job
   * at 200 deliveries a second doubled the thread's CPU (each woke it and its wait for a quiet
   * moment on its own), which the two cores of a small machine share with the answers.
   */
  collectMs: number;
}

/**
 * Defaults: eight jobs at once keeps up with hundreds of deliveries a second on loopback and stays
 * far below GitHub's 100 concurrent requests; four attempts with backoff ride out a short outage.
 */
export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = {
  concurrency: 8,
  maxAttempts: 4,
  requestTimeoutMs: 10_000,
  baseDelayMs: 500,
  maxWaitMs: 60_000,
  maxHoldMs: 250,
  busyInflight: 8,
  maxBusyHoldMs: 3_000,
  quietMs: 2,
  nice: 10,
  collectMs: 50,
};

/**
 * Counts the HTTP requests the web thread is answering and those that have arrived, in memory the
 * check-run thread reads: its work waits for a quiet moment, so answers to GitHub come first on a
 * busy machine.
 */
export class RequestGauge {
  /** Shared with the thread: `[being answered, arrived]` (the second wraps, only its changes matter). */
  readonly buffer = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  private readonly count = new Int32Array(this.buffer);

  /** Requests being answered now. */
  get inflight(): number {
    return Atomics.load(this.count, 0);
  }

  /** A request arrived. */
  enter(): void {
    Atomics.add(this.count, 0, 1);
    Atomics.add(this.count, 1, 1);
  }

  /** A request was answered (or its connection closed). */
  leave(): void {
    Atomics.sub(this.count, 0, 1);
  }
}

interface ThreadAnswer {
  id: number;
  ids: Record<string, number>;
  errors: string[];
}

const THREAD_URL = new URL('./check-run-thread.js', import.meta.url);

/**
 * Installation credentials for the thread. The token comes from Probot's cache (one request an hour
 * per installation); the base URL and user agent are Probot's own, so GitHub Enterprise (`GHE_HOST`)
 * works unchanged.
 * @param octokit An installation's Octokit, or — with `installationId` — the app's own (`probot.auth()`),
 *   which needs no Octokit built for the installation.
 * @param installationId The installation, when `octokit` is the app's.
 */
export async function installationAuth(octokit: Octokit, installationId?: number): Promise<InstallationAuth> {
  const defaults = octokit.request.endpoint.DEFAULTS;
  const baseUrl = defaults.baseUrl;
  const userAgent = String(defaults.headers['user-agent']);
  const { token } = (await octokit.auth({ type: 'installation', ...(installationId === undefined ? {} : { installationId }) })) as { token: string };
  return { baseUrl, token, userAgent };
}

/**
 * Starts the outbox; the thread itself starts on the first request and is restarted after a crash.
 * @param settings Overrides of {@link DEFAULT_OUTBOX_SETTINGS}.
 * @param gauge The web thread's request count, which the thread's work gives way to.
 */
export function startCheckRunOutbox(settings: Partial<OutboxSettings> = {}, gauge?: RequestGauge): CheckRunOutbox {
  const workerData = { ...DEFAULT_OUTBOX_SETTINGS, ...settings, ...(gauge ? { gauge: gauge.buffer } : {}) };
  const waiting = new Map<number, { gates: readonly GateName[]; resolve(result: QueuedCheckRuns): void }>();
  let next = 0;
  let thread: Worker | undefined;
  let closed = false;
  // Requests of `collectMs` go in one message (see `OutboxSettings.collectMs`).
  let outgoing: { id: number; request: Record<string, unknown> }[] = [];
  const flush = () => {
    const batch = outgoing;
    outgoing = [];
    if (closed) return; // `close` has answered them (they were waiting with the thread it stopped)
    thread ??= start();
    thread.postMessage(batch);
  };

  const failAll = (stopped: Worker, reason: string) => {
    if (thread === stopped) thread = undefined;
    for (const [id, entry] of waiting) {
      waiting.delete(id);
      entry.resolve({ ids: {}, errors: entry.gates.map((gate) => `${checkName(gate)}: ${reason}`) });
    }
  };
  const onAnswer = (answer: ThreadAnswer) => {
    const entry = waiting.get(answer.id);
    if (entry === undefined) return;
    waiting.delete(answer.id);
    if (waiting.size === 0) thread?.unref();
    const ids: Partial<Record<GateName, number>> = {};
    for (const gate of entry.gates) {
      const id = answer.ids[checkName(gate)];
      if (id !== undefined) ids[gate] = id;
    }
    entry.resolve({ ids, errors: answer.errors });
  };
  const start = (): Worker => {
    const worker = new Worker(THREAD_URL, { execArgv: [], env: {}, workerData });
    worker.on('message', (answers: ThreadAnswer[]) => answers.forEach(onAnswer));
    worker.on('error', (error) => failAll(worker, `the check-run thread failed: ${error.message}`));
    worker.on('exit', (code) => failAll(worker, closed ? 'the app is shutting down' : `the check-run thread stopped (exit code ${String(code)})`));
    return worker;
  };

  return {
    create(request) {
      if (closed) {
        return Promise.resolve({ ids: {}, errors: request.gates.map((gate) => `${checkName(gate)}: the app is shutting down`) });
      }
      const id = next++;
      const { auth, gates, ...rest } = request;
      return new Promise((resolve) => {
        waiting.set(id, { gates, resolve });
        thread ??= start();
        // Held while requests are out, so the process does not exit under them.
        thread.ref();
        if (outgoing.length === 0) setTimeout(flush, workerData.collectMs);
        outgoing.push({ id, request: { ...auth, ...rest, names: gates.map(checkName) } });
      });
    },
    async close() {
      closed = true;
      const stopping = thread;
      if (stopping !== undefined) {
        await stopping.terminate();
        failAll(stopping, 'the app is shutting down');
      }
    },
  };
}
