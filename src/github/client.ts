/**
 * The narrow interface to GitHub: every REST call the app and the pipeline make goes through here, so
 * the rest of the code never sees Octokit's shapes and tests fake one HTTP API, not many call sites.
 * @module
 */
import type { Readable } from 'node:stream';
import type { GateName } from '../gates/types.js';
import type { DeploymentsApi } from '../deploy/types.js';
import { batchAnnotations } from '../report/annotations.js';
import { downloadTarball } from './tarball.js';
import { requiredStatusChecks } from './protection.js';
import {
  checkName,
  type CheckConclusion,
  type CheckOutput,
  type Octokit,
  type RepoRef,
  type RequiredChecksState,
} from './types.js';

/** Files per page of "list pull request files" (GitHub's maximum; it stops at 3,000 files in all). */
const FILES_PER_PAGE = 100;

/** A check run this app created, as the pipeline needs it. */
export interface CheckRunRef {
  /** GitHub's id. */
  id: number;
  /** Our gate. */
  gate: GateName;
}

/** A changed file of a pull request (the fields the diff filter reads). */
export interface PullRequestFile {
  /** Path in the head commit. */
  filename: string;
  /** Hunks without file headers; missing for binary or very large files. */
  patch?: string;
}

function isStatus(error: unknown, ...statuses: number[]): boolean {
  return typeof error === 'object' && error !== null && 'status' in error && statuses.includes(Number(error.status));
}

/** The raw media type arrives as text or, without a charset in its content type, as bytes. */
function textOf(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  throw new Error('GitHub answered the raw contents request with JSON: was the raw media type dropped by a proxy?');
}

/** GitHub calls of one installation (or of the app itself, for hook deliveries). */
export class GitHubClient implements DeploymentsApi {
  /** @param octokit An installation Octokit from Probot (`context.octokit` or `probot.auth(id)`). */
  constructor(readonly octokit: Octokit) {}

  /** Creates a `queued` check run whose external id is the job id, so a worker can find it again. */
  async createCheckRun(
    ref: RepoRef & { gate: GateName; headSha: string; externalId: string; detailsUrl?: string },
  ): Promise<number> {
    const { data } = await this.octokit.rest.checks.create({
      owner: ref.owner,
      repo: ref.repo,
      name: checkName(ref.gate),
      head_sha: ref.headSha,
      status: 'queued',
      external_id: ref.externalId,
      ...(ref.detailsUrl ? { details_url: ref.detailsUrl } : {}),
    });
    return data.id;
  }

  /** Our check runs on a commit created for one job (by external id), by gate. */
  async findCheckRuns(ref: RepoRef & { sha: string; externalId: string }): Promise<Partial<Record<GateName, number>>> {
    const runs = await this.octokit.paginate(this.octokit.rest.checks.listForRef, {
      owner: ref.owner,
      repo: ref.repo,
      ref: ref.sha,
      filter: 'all',
      per_page: 100,
    });
    const found: Partial<Record<GateName, number>> = {};
    for (const run of runs) {
      if (run.external_id !== ref.externalId) continue;
      const gate = run.name.startsWith('quality-gates/') ? (run.name.slice('quality-gates/'.length) as GateName) : undefined;
      if (gate && found[gate] === undefined) found[gate] = run.id;
    }
    return found;
  }

  /** Marks a check run `in_progress` (its gate started). */
  async startCheckRun(ref: RepoRef & { checkRunId: number }): Promise<void> {
    await this.octokit.rest.checks.update({
      owner: ref.owner,
      repo: ref.repo,
      check_run_id: ref.checkRunId,
      status: 'in_progress',
      started_at: new Date().toISOString(),
    });
  }

  /**
   * Completes a check run with its output. Annotations go in batches (GitHub takes at most 50 per
   * request and appends those of each update); all but the last are sent first, so the run turns
   * `completed` only once every annotation is on it.
   */
  async completeCheckRun(
    ref: RepoRef & { checkRunId: number; conclusion: CheckConclusion; output: CheckOutput },
  ): Promise<void> {
    const { annotations = [], ...rest } = ref.output;
    const batches = batchAnnotations(annotations);
    const last = batches.pop() ?? [];
    for (const batch of batches) {
      await this.octokit.rest.checks.update({
        owner: ref.owner,
        repo: ref.repo,
        check_run_id: ref.checkRunId,
        output: { title: rest.title, summary: rest.summary, annotations: batch },
      });
    }
    await this.octokit.rest.checks.update({
      owner: ref.owner,
      repo: ref.repo,
      check_run_id: ref.checkRunId,
      status: 'completed',
      conclusion: ref.conclusion,
      completed_at: new Date().toISOString(),
      output: { ...rest, annotations: last },
    });
  }

  /** The raw text of a file at `ref` (the default branch when omitted), or undefined when there is none. */
  async getConfigText(ref: RepoRef & { path: string; ref?: string }): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({
        owner: ref.owner,
        repo: ref.repo,
        path: ref.path,
        ...(ref.ref ? { ref: ref.ref } : {}),
        mediaType: { format: 'raw' },
      });
      return textOf(data);
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw new Error(`Could not read ${ref.path} of ${ref.owner}/${ref.repo}: check the app can read contents`, {
        cause: error,
      });
    }
  }

  /** The commit as a gzipped tarball stream (GitHub answers with a redirect to codeload, followed here). */
  downloadTarball(ref: RepoRef & { sha: string }): Promise<Readable> {
    return downloadTarball(this.octokit, ref);
  }

  /** The git tree SHA of a commit (the result-cache key). */
  async getTreeSha(ref: RepoRef & { sha: string }): Promise<string> {
    const { data } = await this.octokit.rest.git.getCommit({ owner: ref.owner, repo: ref.repo, commit_sha: ref.sha });
    return data.tree.sha;
  }

  /** Every changed file of a pull request, all pages. */
  async listPullRequestFiles(ref: RepoRef & { pullNumber: number }): Promise<PullRequestFile[]> {
    const files = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.pullNumber,
      per_page: FILES_PER_PAGE,
    });
    return files.map((file) => ({ filename: file.filename, ...(file.patch ? { patch: file.patch } : {}) }));
  }

  /**
   * The open pull request of this repository whose head is this commit, or undefined when there is
   * none — or when the app may not tell (403/404/422 answers: the caller then checks the push itself).
   */
  async openPullRequestWithHead(ref: RepoRef & { sha: string }): Promise<number | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        owner: ref.owner,
        repo: ref.repo,
        commit_sha: ref.sha,
        per_page: 100,
      });
      const full = `${ref.owner}/${ref.repo}`.toLowerCase();
      return data.find((pr) => pr.state === 'open' && pr.head.sha === ref.sha && pr.base.repo.full_name.toLowerCase() === full)?.number;
    } catch (error) {
      if (isStatus(error, 403, 404, 422)) return undefined;
      throw error;
    }
  }

  /**
   * The text of the newest completed check run named `name` on a commit (its summary and text, where
   * the pipeline embeds machine-readable metrics), or undefined when the commit has none.
   */
  async findCheckRunOutput(ref: RepoRef & { sha: string; name: string }): Promise<string | undefined> {
    const { data } = await this.octokit.rest.checks.listForRef({
      owner: ref.owner,
      repo: ref.repo,
      ref: ref.sha,
      check_name: ref.name,
      status: 'completed',
      filter: 'latest',
    });
    const run = data.check_runs[0];
    if (!run) return undefined;
    return [run.output.summary ?? '', run.output.text ?? ''].join('\n');
  }

  /** Whether the branch requires our checks (branch protection and rulesets); `unknown` on 403/404. */
  requiredStatusChecks(ref: RepoRef & { branch: string }): Promise<RequiredChecksState> {
    return requiredStatusChecks(this.octokit, ref);
  }

  /** Creates a GitHub Deployment (the deploy step's {@link DeploymentsApi}). */
  async createDeployment(params: Parameters<DeploymentsApi['createDeployment']>[0]): Promise<number> {
    const { data } = await this.octokit.rest.repos.createDeployment(params);
    if (!('id' in data)) throw new Error(`GitHub did not create the deployment: ${data.message ?? 'no reason given'}`);
    return data.id;
  }

  /** Adds a status to a Deployment (the deploy step's {@link DeploymentsApi}). */
  async createDeploymentStatus(params: Parameters<DeploymentsApi['createDeploymentStatus']>[0]): Promise<void> {
    await this.octokit.rest.repos.createDeploymentStatus(params);
  }
}
