/**
 * Whether a branch requires this app's checks: classic branch protection and repository rulesets are
 * both read. Reading branch protection needs `administration: read`; without it GitHub answers 403/404
 * and the answer is `unknown` (the summary then says nothing rather than something wrong).
 * @module
 */
import { GATE_NAMES } from '../gates/types.js';
import { checkName, type Octokit, type RepoRef, type RequiredChecksState } from './types.js';

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : undefined;
}

/** Contexts classic branch protection requires; undefined when the app may not read it (no `administration: read`). */
async function protectionContexts(octokit: Octokit, ref: RepoRef & { branch: string }): Promise<string[] | undefined> {
  try {
    const { data } = await octokit.rest.repos.getStatusChecksProtection({
      owner: ref.owner,
      repo: ref.repo,
      branch: ref.branch,
    });
    return [...(data.contexts ?? []), ...(data.checks ?? []).map((check) => check.context)];
  } catch (error) {
    // 404: the branch is not protected or has no required status checks.
    if (statusOf(error) === 404) return [];
    if (statusOf(error) === 403) return undefined;
    throw error;
  }
}

async function rulesetContexts(octokit: Octokit, ref: RepoRef & { branch: string }): Promise<string[]> {
  try {
    const { data } = await octokit.rest.repos.getBranchRules({ owner: ref.owner, repo: ref.repo, branch: ref.branch });
    return data.flatMap((rule) =>
      rule.type === 'required_status_checks' && 'parameters' in rule && rule.parameters
        ? rule.parameters.required_status_checks.map((check) => check.context)
        : [],
    );
  } catch (error) {
    if (statusOf(error) === 404) return [];
    throw error;
  }
}

/** Our check names a branch requires, from branch protection and rulesets. */
export async function requiredStatusChecks(
  octokit: Octokit,
  ref: RepoRef & { branch: string },
): Promise<RequiredChecksState> {
  try {
    const [protection, rulesets] = await Promise.all([protectionContexts(octokit, ref), rulesetContexts(octokit, ref)]);
    const contexts = [...(protection ?? []), ...rulesets];
    const ours = GATE_NAMES.map(checkName).filter((name) => contexts.includes(name));
    if (ours.length === GATE_NAMES.length) return { state: 'required', contexts: ours };
    if (protection === undefined) return { state: 'unknown', reason: 'the app may not read branch protection (grant `administration: read`)' };
    return { state: 'not-required', contexts: ours };
  } catch (error) {
    return { state: 'unknown', reason: `GitHub answered ${statusOf(error) ?? 'an error'} when asked for the branch rules` };
  }
}
