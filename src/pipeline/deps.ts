/**
 * What one job needs from the outside world, handed in by the app or the worker process: the GitHub
 * client of the job's installation, the sandbox, the stores, and where to put workspaces. Nothing in
 * here holds a credential the sandbox could see: the client stays in this process.
 * @module
 */
import type { GateResult, Logger } from '../gates/types.js';
import type { GateName } from '../gates/types.js';
import type { Sandbox } from '../sandbox/types.js';
import type { OnceLedger, ResultCache } from '../store/types.js';
import type { HistoryRun, PhaseDurations } from '../store/history.js';
import type { GitHubClient } from '../github/client.js';
import type { runGates } from '../gates/run.js';

/** The services a job runs with. */
export interface PipelineDeps {
  /** GitHub, authenticated as the job's installation. */
  github: GitHubClient;
  /** Where repository code runs (created once per process; rejects when bubblewrap cannot run here). */
  sandbox(): Promise<Sandbox>;
  /** Tree-SHA result cache. */
  results: ResultCache;
  /** Once-per-key claims (deploy triggers). */
  ledger: OnceLedger;
  /** The app's environment: deploy secrets are looked up here, never passed to the sandbox. */
  env: NodeJS.ProcessEnv;
  /** Scoped to the job (job id and delivery id on every line). */
  log: Logger;
  /** Folder under which each job's workspace is created and removed. */
  workRoot: string;
  /** Folder for caches shared between jobs (dependency installs). */
  cacheDir: string;
  /** The app's public URL (`QG_PUBLIC_URL`), for the deploy agent's callback; undefined when unset. */
  publicUrl?: string;
  /**
   * Check runs the webhook handler of this process is still creating for a job (by job id), so a
   * worker that takes the job at once waits for them instead of creating a second set.
   */
  pendingCheckRuns?: ReadonlyMap<string, Promise<Partial<Record<GateName, number>>>>;
  /** Told each gate's result as it is known (metrics). */
  onGateResult?(result: GateResult): void;
  /** The gate engine (replaced in unit tests of the pipeline's own logic). */
  runGates?: typeof runGates;
  /** Largest tarball to unpack, in bytes. */
  maxTarballBytes?: number;
  /**
   * Keeps the finished job's record for the dashboard; must not throw. Resolves with what the queue
   * hands back as the job's result (the distributed queue carries it to the web process).
   */
  recordHistory?(run: HistoryRun): Promise<unknown>;
  /** Which worker runs the job (recorded in the history). */
  workerId?: string;
}

/** What a finished job produced, for logs and tests. */
export interface JobOutcome {
  /** One result per gate that ran (or came from the cache). */
  results: GateResult[];
  /** True when the gates were skipped because the tree already passed. */
  fromCache: boolean;
  /** Phase durations in milliseconds (history). */
  phases?: PhaseDurations;
  /** The check runs by gate (history links to them). */
  checkRunIds?: Partial<Record<GateName, number>>;
  /** Sources kept for the file view (history). */
  sources?: Record<string, string>;
  /** Why the gates did not run, when the job ended without results (invalid config). */
  error?: string;
}
