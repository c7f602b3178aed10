/**
 * workspace.prepare: the commit's tarball, streamed from GitHub into a fresh folder through the safe
 * extractor (regular files and folders only, nothing outside the target, a size cap). The caller
 * removes the folder in a `finally`.
 * @module
 */
import { createWorkspace } from '../workspace/workspace.js';
import { extractTarball } from '../workspace/tarball.js';
import { sandboxIdentity } from '../sandbox/identity.js';
import type { Job } from '../queue/job.js';
import type { PipelineDeps } from './deps.js';

/** Largest unpacked repository by default: 1 GiB, far above any repository worth linting on a push. */
export const DEFAULT_MAX_TARBALL_BYTES = 1024 ** 3;

/** A checkout on disk and how to remove it. */
export interface PreparedWorkspace {
  /** Absolute path of the checkout. */
  dir: string;
  /** Removes the folder. */
  cleanup(): Promise<void>;
}

/** Downloads and unpacks the job's commit; removes the folder again when that fails. */
export async function prepareWorkspace(job: Job, deps: PipelineDeps): Promise<PreparedWorkspace> {
  const owner = sandboxIdentity(deps.env) ?? null;
  const workspace = await createWorkspace(deps.workRoot, owner);
  try {
    const stream = await deps.github.downloadTarball({ owner: job.owner, repo: job.repo, sha: job.sha });
    await extractTarball(stream, workspace.dir, {
      maxBytes: deps.maxTarballBytes ?? DEFAULT_MAX_TARBALL_BYTES,
      ...(owner ? { owner } : {}),
    });
    return workspace;
  } catch (error) {
    await workspace.cleanup();
    throw error;
  }
}
