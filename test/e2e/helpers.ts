/**
 * Shared set-up of the end-to-end tests: a fake GitHub, the app started as `npm start` starts it,
 * fixture commits, and waiting for check runs to reach a state.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { APP_ROOT } from '../../src/paths.js';
import { startFakeGitHub, type FakeCheckRun, type FakeGitHub } from '../support/fake-github.js';
import { startApp, type AppProcess } from '../support/app-process.js';

/** The owner and repository every e2e test uses. */
export const OWNER = 'octo-org';

/** Folder of a gates fixture repository. */
export function fixture(name: string): string {
  return path.join(APP_ROOT, 'test', 'fixtures', 'repos', name);
}

/** A 40-hex sha derived from a word, so tests read well. */
export function shaOf(word: string): string {
  return Buffer.from(word.padEnd(20, '.')).toString('hex').slice(0, 40);
}

/** A fake GitHub and the app pointed at it. */
export interface E2E {
  github: FakeGitHub;
  app: AppProcess;
  stop(): Promise<void>;
}

/** Starts both. */
export async function startE2E(env: Record<string, string> = {}): Promise<E2E> {
  const github = await startFakeGitHub();
  const app = await startApp(github.host, env);
  return {
    github,
    app,
    async stop() {
      await app.stop();
      await github.close();
    },
  };
}

/** Serves `dir` as `sha` of `repo`, with the config file of the fixture (if any) on the default branch. */
export async function serveRepo(github: FakeGitHub, repo: string, sha: string, dir: string, config?: string): Promise<void> {
  github.addCommit(sha, dir);
  const text = config ?? (await readFile(path.join(dir, '.github', 'quality-gates.yml'), 'utf8').catch(() => undefined));
  if (text !== undefined) github.setFile(OWNER, repo, 'main', '.github/quality-gates.yml', text);
}

/** Waits until `predicate` holds for the check runs of `sha` (polling the fake's state). */
export async function waitForRuns(github: FakeGitHub, sha: string, predicate: (runs: FakeCheckRun[]) => boolean, timeoutMs = 90_000): Promise<FakeCheckRun[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = github.runsFor(sha);
    if (predicate(runs)) return runs;
    if (Date.now() > deadline) {
      throw new Error(`check runs of ${sha} did not reach the expected state: ${JSON.stringify(runs.map((r) => ({ name: r.name, status: r.status, conclusion: r.conclusion, title: r.output.title })))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** True when there are `count` runs and all are completed. */
export const allCompleted = (count: number) => (runs: FakeCheckRun[]) => runs.length >= count && runs.every((r) => r.status === 'completed');

/** The run named `quality-gates/<gate>`. */
export function runNamed(runs: FakeCheckRun[], gate: string): FakeCheckRun {
  const run = runs.find((r) => r.name === `quality-gates/${gate}`);
  if (!run) throw new Error(`no check run quality-gates/${gate} among ${runs.map((r) => r.name).join(', ')}`);
  return run;
}

export { testRedisUrl, testRedisAddress, dropPrefix } from '../support/redis.js';

/** Jobs by state, as the app's `/healthz` reports them. */
export async function jobCounts(url: string): Promise<Record<string, number>> {
  const body = (await (await fetch(`${url}/healthz`)).json()) as { jobs?: Record<string, number> };
  return body.jobs ?? {};
}

/**
 * The job counts once they reach `expected` (or the last ones after `timeoutMs`): a worker marks its
 * job done just after completing the check runs, so the counts may lag the checks by a moment.
 */
export async function settledJobCounts(url: string, expected: Record<string, number>, timeoutMs = 10_000): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await jobCounts(url);
    if (Object.entries(expected).every(([state, n]) => counts[state] === n) || Date.now() > deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
