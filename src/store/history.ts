/**
 * The gate history the dashboard reads: one {@link HistoryRun} per completed job, with each gate's
 * verdict and metrics, the per-file coverage table, the findings and the sources the file view shows.
 * Check runs are the record GitHub keeps; this is the one the app keeps, so trends, badges and the
 * file view never ask GitHub again. The contract is here; `history-sqlite.ts` implements it.
 * @module
 */
import type { Conclusion, FileCoverage, Finding, GateName, MetricValue } from '../gates/types.js';
import type { JobTrigger } from '../queue/job.js';

/** `QG_HISTORY_DAYS` when unset: a year of history, enough for a yearly trend. */
export const DEFAULT_HISTORY_DAYS = 365;

/** Named phases of a job, in milliseconds: `queue_wait`, `config`, `fetch`, `install`, `lint`, `coverage`, `docs`. */
export type PhaseDurations = Partial<Record<string, number>>;

/** One gate of a recorded run (no per-file detail: that is in {@link HistoryDetail}). */
export interface HistoryGate {
  /** The gate. */
  gate: GateName;
  /** Its verdict. */
  conclusion: Conclusion;
  /** The check run's title. */
  title: string;
  /** Measurements and thresholds, as the gate reported them. */
  metrics: Record<string, MetricValue>;
  /** The check run on GitHub, when one was created. */
  checkRunId?: number;
  /** How long the gate took. */
  durationMs?: number;
}

/** Everything recorded about one completed job, as it is written. */
export interface HistoryRun {
  /** The queue's job id (unique: a redelivered result overwrites, it is not counted twice). */
  jobId: string;
  /** Repository owner. */
  owner: string;
  /** Repository name. */
  repo: string;
  /** Whether the repository is private; undefined when the webhook did not say (treated as private). */
  private?: boolean;
  /** The GitHub App installation, through which the dashboard asks GitHub whether the repository is still public. */
  installationId?: number;
  /** The default branch when the job ran. */
  defaultBranch: string;
  /** The commit. */
  sha: string;
  /** Branch pushed, or the pull request's head branch. */
  branch?: string;
  /** The pull request's number, for pull-request runs. */
  pullRequest?: number;
  /** What created the job. */
  trigger: JobTrigger;
  /** When the webhook arrived (ms since epoch). */
  receivedAt: number;
  /** When the job finished (ms since epoch). */
  finishedAt: number;
  /** Phase durations. */
  phases: PhaseDurations;
  /** One entry per gate that has a result. */
  gates: HistoryGate[];
  /** True when the results came from the tree cache (no sources then). */
  fromCache: boolean;
  /** Why the job could not run its gates (config invalid, GitHub failing), when it could not. */
  error?: string;
  /** Which worker ran it. */
  worker?: string;
  /** Per-file coverage (the coverage gate's table). */
  files: FileCoverage[];
  /** Findings of every gate, tagged with their gate. */
  findings: (Finding & { gate: GateName })[];
  /** Source text of the files the file view shows, by path (capped). */
  sources: Record<string, string>;
}

/** A stored run, as lists and charts read it (no per-file detail). */
export interface HistorySummary {
  /** Row id. */
  id: number;
  /** Job id. */
  jobId: string;
  /** Repository owner. */
  owner: string;
  /** Repository name. */
  repo: string;
  /** The commit. */
  sha: string;
  /** Branch. */
  branch?: string;
  /** Pull request number. */
  pullRequest?: number;
  /** Trigger. */
  trigger: JobTrigger;
  /** Finished at (ms since epoch). */
  finishedAt: number;
  /** Webhook to finish, in ms. */
  durationMs: number;
  /** Whether this ran on the default branch (a push to it, not a pull request). */
  onDefaultBranch: boolean;
  /** Phases. */
  phases: PhaseDurations;
  /** Gates. */
  gates: HistoryGate[];
  /** True when served from the tree cache. */
  fromCache: boolean;
  /** Error, when the gates could not run. */
  error?: string;
  /** Worker. */
  worker?: string;
}

/** Per-file detail of one stored run. */
export interface HistoryDetail {
  /** Per-file coverage. */
  files: FileCoverage[];
  /** Findings, with their gate. */
  findings: (Finding & { gate: GateName })[];
  /** Paths whose source is stored. */
  sourcePaths: string[];
}

/** What the store knows about a repository as a whole. */
export interface RepositoryInfo {
  /** Owner. */
  owner: string;
  /** Name. */
  repo: string;
  /** Private unless a webhook said public. */
  private: boolean;
  /** The installation of the latest run. */
  installationId?: number;
  /** Default branch. */
  defaultBranch: string;
  /** Last run recorded (ms since epoch). */
  lastRunAt: number;
}

/** The history store. Reads are synchronous-fast (SQLite); writes never throw into a job. */
export interface HistoryStore {
  /** Writes a run (replacing one with the same job id). */
  record(run: HistoryRun): void;
  /** Repositories with history, most recently active first. */
  repositories(): RepositoryInfo[];
  /** One repository, or undefined when it has no history. */
  repository(owner: string, repo: string): RepositoryInfo | undefined;
  /** Latest runs on the default branch, newest first. */
  defaultBranchRuns(owner: string, repo: string, limit: number): HistorySummary[];
  /** Latest runs of any kind, newest first. */
  recentRuns(owner: string, repo: string, limit: number): HistorySummary[];
  /** The latest run of a commit. */
  commitRun(owner: string, repo: string, sha: string): HistorySummary | undefined;
  /** Per-file detail of a run. */
  detail(runId: number): HistoryDetail | undefined;
  /** The stored source of one file of a run. */
  source(runId: number, path: string): string | undefined;
  /** Runs of every repository finished since `since`, newest first (operator page). */
  runsSince(since: number, limit: number): HistorySummary[];
  /** The private-badge token of a repository, created on first use. */
  badgeToken(owner: string, repo: string): string;
  /** Replaces the private-badge token; the old URL stops working. */
  rotateBadgeToken(owner: string, repo: string): string;
  /** Records what GitHub says about the repository's visibility now. */
  setPrivate(owner: string, repo: string, isPrivate: boolean): void;
  /** Deletes runs older than `before` and sources no run refers to; returns the runs deleted. */
  prune(before: number): number;
}
