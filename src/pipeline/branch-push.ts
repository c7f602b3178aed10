/**
 * A push to a branch that is the head of an open pull request is checked through the pull request:
 * GitHub sends both a `push` and a `pull_request.synchronize` for the same commit, and two sets of
 * same-named check runs on one commit would race — the later one is what branch protection reads, and
 * a push's verdict (all lines, no base to compare) can differ from the pull request's (changed lines,
 * patch coverage, drop against the base). The web process asks before creating the push's `queued`
 * check runs, the worker again before running a push job that has none.
 * @module
 */
import type { Job } from '../queue/job.js';

/** What the decision needs from GitHub. */
export interface PullRequestLookup {
  /** The open pull request whose head is the commit, if any (see `GitHubClient.openPullRequestWithHead`). */
  openPullRequestWithHead(ref: { owner: string; repo: string; sha: string }): Promise<number | undefined>;
}

/** True for a push to a branch other than the default one (the default branch is never a pull request's concern). */
export function isFeatureBranchPush(job: Job): boolean {
  return job.trigger === 'push' && job.ref !== undefined && job.ref !== `refs/heads/${job.defaultBranch}`;
}

/**
 * The pull request that checks this push's commit instead of the push, or undefined when the push is
 * checked itself. A lookup that fails leaves the push checked: an extra set of checks is better than none.
 */
export async function pullRequestCheckingPush(job: Job, github: PullRequestLookup): Promise<number | undefined> {
  if (!isFeatureBranchPush(job)) return undefined;
  return github.openPullRequestWithHead({ owner: job.owner, repo: job.repo, sha: job.sha }).catch(() => undefined);
}
