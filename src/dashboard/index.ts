/**
 * The dashboard as the web process mounts it: the routes, fed with the runtime's history and live
 * figures (queue depth, running jobs, sandbox, version) for the operator page.
 * @module
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../gates/types.js';
import { APP_ROOT } from '../paths.js';
import type { JobQueue } from '../queue/types.js';
import type { HistoryStore, RepositoryInfo } from '../store/history.js';
import type { Octokit } from '../github/types.js';
import type { OperatorData, RunningJob } from './pages/operator.js';
import { createDashboard, type DashboardHandler } from './routes.js';

export { DASHBOARD_PREFIX, dashboardPaths } from './paths.js';

/** What the web process hands the dashboard. */
export interface MountOptions {
  /** The history. */
  history: HistoryStore;
  /** The job queue (depth, running jobs). */
  queue: JobQueue;
  /** `sqlite` or `redis`. */
  backend: string;
  /** The sandbox's state, as `/healthz` reports it. */
  sandbox(): Promise<{ available: boolean; mode?: string; reason?: string }>;
  /** Process environment. */
  env: NodeJS.ProcessEnv;
  /** An Octokit of an installation (Probot's `auth`), to ask whether a public repository still is. */
  installation?(installationId: number): Promise<Octokit>;
  /** Failures. */
  log: Logger;
}

async function appVersion(): Promise<string> {
  const text = await readFile(path.join(APP_ROOT, 'package.json'), 'utf8').catch(() => '{}');
  return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
}

/**
 * The operator page's live figures: the queue's counts and running jobs (an unanswering queue shows
 * none rather than failing the page), the sandbox, the version.
 * @param options The runtime's parts.
 * @param version The app's version.
 */
export async function liveFigures(options: Omit<MountOptions, 'history' | 'env' | 'log'>, version: Promise<string> = appVersion()): Promise<Omit<OperatorData, 'lastHour' | 'failures' | 'now'>> {
  const [counts, running, sandbox] = await Promise.all([
    options.queue.counts().catch(() => ({})),
    options.queue.runningJobs?.().catch(() => []) ?? Promise.resolve([]),
    options.sandbox(),
  ]);
  const jobs: RunningJob[] = running.map((r) => ({
    worker: r.worker ?? 'a worker',
    jobId: r.job.id,
    repository: `${r.job.owner}/${r.job.repo}`,
    sha: r.job.sha,
    ...(r.startedAt === undefined ? {} : { startedAt: r.startedAt }),
  }));
  return { counts, running: jobs, sandbox, version: await version, backend: options.backend };
}

/**
 * Whether GitHub says the repository is private, asked with the app's installation token: `true` too
 * when the app no longer sees it (uninstalled, deleted), `undefined` when GitHub does not answer.
 * @param octokit The installation's client.
 * @param info The repository.
 */
export async function isPrivateNow(octokit: Octokit, info: Pick<RepositoryInfo, 'owner' | 'repo'>): Promise<boolean | undefined> {
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner: info.owner, repo: info.repo });
    return data.private;
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    return status === 404 || status === 403 ? true : undefined;
  }
}

/** The dashboard's request handler. */
export function mountDashboard(options: MountOptions): DashboardHandler {
  const version = appVersion();
  const { installation } = options;
  return createDashboard({
    history: options.history,
    env: options.env,
    log: options.log,
    operator: () => liveFigures(options, version),
    ...(installation
      ? { isPrivateNow: async (info: RepositoryInfo) => (info.installationId === undefined ? undefined : isPrivateNow(await installation(info.installationId), info)) }
      : {}),
  });
}
