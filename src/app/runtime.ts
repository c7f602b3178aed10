/**
 * What the web process and the worker process share: the queue and stores, the sandbox, and the job
 * handler that runs the pipeline with a job's installation client. Built once per process.
 * @module
 */
import os from 'node:os';
import path from 'node:path';
import { cacheRoot } from '../paths.js';
import type { Logger as PinoLogger } from 'probot';
import { createQueue, concurrencyFrom, defaultWorkerId, type QueueAndStores } from '../queue/index.js';
import { createHistoryRecorder, historyDaysFrom } from '../store/history-recorder.js';
import type { HistoryStore } from '../store/history.js';
import { loadBindings } from '../deploy/bindings.js';
import { createSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/types.js';
import type { GateName } from '../gates/types.js';
import type { WorkerHandle } from '../queue/types.js';
import { GitHubClient } from '../github/client.js';
import type { Octokit } from '../github/types.js';
import { createJobHandler } from '../pipeline/handler.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import { DEFAULT_DATA_DIR } from '../store/database.js';
import type { HealthReport } from './routes.js';
import { createMetrics, type Metrics } from '../metrics.js';

/** What a runtime is built from. */
export interface RuntimeOptions {
  /** The process environment (or a test's). */
  env: NodeJS.ProcessEnv;
  /** Probot's pino logger. */
  log: PinoLogger;
  /** An Octokit for an installation (Probot's `auth`). */
  auth(installationId: number): Promise<Octokit>;
  /** Check runs the web handlers of this process are creating (shared with the app's handlers). */
  pendingCheckRuns?: ReadonlyMap<string, Promise<Partial<Record<GateName, number>>>>;
}

/** The shared services of one process. */
export interface Runtime {
  /** Queue and stores. */
  queued: QueueAndStores;
  /** Prometheus metrics of this process. */
  metrics: Metrics;
  /** Starts `QG_CONCURRENCY` workers (or `concurrency`). */
  startWorkers(concurrency?: number): WorkerHandle;
  /** Store and sandbox state. */
  health(): Promise<HealthReport>;
  /** Stops workers (their jobs are given back) and closes the store. */
  close(): Promise<void>;
  /** The dashboard's history (this machine's SQLite file). */
  history?: HistoryStore;
  /** This process's worker id (lease owner). */
  workerId: string;
  /**
   * Web process with Redis: writes the runs that workers anywhere park for it. Returns a function
   * that stops listening; a no-op with the embedded queue (its workers write directly).
   */
  receiveHistory(): Promise<() => Promise<void>>;
}

/** The sandbox, created on first use; a failed probe is remembered and retried on the next job. */
function lazySandbox(env: NodeJS.ProcessEnv): { get(): Promise<Sandbox>; state(): HealthReport['sandbox'] } {
  let current: Promise<Sandbox> | undefined;
  let state: HealthReport['sandbox'] = { available: false, reason: 'not probed yet' };
  return {
    get() {
      current ??= createSandbox({ env }).then(
        (sandbox) => {
          state = { available: true, mode: env.QG_SANDBOX ?? 'auto' };
          return sandbox;
        },
        (error: unknown) => {
          state = { available: false, reason: error instanceof Error ? error.message : String(error) };
          current = undefined;
          throw error;
        },
      );
      return current;
    },
    state: () => state,
  };
}

/** Opens the queue and stores and prepares the job handler. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { env, log } = options;
  const days = historyDaysFrom(env);
  const workerId = defaultWorkerId(env);
  const queued = await createQueue({ env, log, workerId });
  const recorder = createHistoryRecorder({
    days,
    log,
    ...(queued.store.history ? { store: queued.store.history } : {}),
    ...(queued.store.historyRelay ? { relay: queued.store.historyRelay } : {}),
  });
  const metrics = createMetrics({ queue: queued.queue });
  const sandbox = lazySandbox(env);
  // Probe at start so /healthz tells the operator at once whether bubblewrap works here.
  sandbox.get().catch((error: unknown) => log.warn({ err: error }, 'sandbox unavailable: jobs will fail until it works'));
  // Read at start too, so a typo shows in the log now, not at the first deploy (each deploy reads them again).
  try {
    loadBindings(env);
  } catch (error) {
    log.error({ err: error }, 'deploy bindings cannot be read: every deploy fails until they are fixed');
  }
  const dataDir = env.DATA_DIR ?? DEFAULT_DATA_DIR;
  const workRoot = env.QG_WORK_DIR ?? path.join(os.tmpdir(), 'quality-gates-work');
  const cacheDir = cacheRoot(env, path.join(dataDir, 'cache'));
  const workers: WorkerHandle[] = [];

  const depsFor = async (job: { id: string; deliveryId: string; installationId: number }): Promise<PipelineDeps> => ({
    github: new GitHubClient(await options.auth(job.installationId)),
    sandbox: () => sandbox.get(),
    results: queued.store.results,
    ledger: queued.store.ledger,
    env,
    log: log.child({ jobId: job.id, deliveryId: job.deliveryId }),
    workRoot,
    cacheDir,
    ...(env.QG_PUBLIC_URL ? { publicUrl: env.QG_PUBLIC_URL } : {}),
    ...(options.pendingCheckRuns ? { pendingCheckRuns: options.pendingCheckRuns } : {}),
    onGateResult: (result) => metrics.recordGate(result.gate, result.conclusion, (result.durationMs ?? 0) / 1000),
    recordHistory: (run) => recorder.recordHistory(run),
    workerId,
  });
  const handler = createJobHandler({ depsFor, whenDurable: () => queued.queue.whenDurable() });

  return {
    queued,
    metrics,
    workerId,
    ...(queued.store.history ? { history: queued.store.history } : {}),
    async receiveHistory() {
      const listen = queued.queue.onResult?.bind(queued.queue);
      if (!listen || !queued.store.historyRelay) return () => Promise.resolve();
      return listen((result) => void recorder.receive(result));
    },
    startWorkers(concurrency = concurrencyFrom(env)) {
      const handle = queued.queue.process(handler, { concurrency, onOutcome: (outcome) => metrics.recordOutcome(outcome) });
      workers.push(handle);
      return handle;
    },
    async health() {
      const healthy = await queued.queue.healthy().catch(() => false);
      const jobs = healthy ? await queued.queue.counts().catch(() => undefined) : undefined;
      return {
        status: healthy ? 'ok' : 'unavailable',
        store: { backend: queued.backend, healthy },
        sandbox: sandbox.state(),
        ...(jobs ? { jobs } : {}),
      };
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await queued.close();
    },
  };
}
