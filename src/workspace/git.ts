/**
 * Makes the workspace a git repository with one commit, as a developer's checkout (and a CI checkout)
 * is: GitHub's tarball and the CLI's copy carry no `.git`, and many test suites call git
 * (`git remote -v`, `git rev-parse HEAD`, snapshot tools, changed-file detection). It runs inside the
 * sandbox, as the sandbox's user, so the repository belongs to whoever runs the tests.
 * @module
 */
import path from 'node:path';
import type { Logger } from '../gates/types.js';
import type { Sandbox } from '../sandbox/types.js';
import { pathExists } from './files.js';

/** Time allowed for `git init` + `git add` + `git commit` of a large checkout. */
export const GIT_INIT_TIMEOUT_MS = 60_000;

/** The commit's author: fixed, so nothing of the host (user names, e-mails) leaks in. */
const IDENTITY = ['-c', 'user.name=quality-gates', '-c', 'user.email=quality-gates@localhost'];

/**
 * Turns `dir` into a git repository holding its files as one commit whose message names `sha`.
 * Returns false (and logs why) when that was not possible; the gates then run without git, as before.
 */
export async function initGitRepository(
  dir: string,
  sandbox: Sandbox,
  options: { sha?: string; signal?: AbortSignal; log?: Logger } = {},
): Promise<boolean> {
  if (await pathExists(path.join(dir, '.git'))) return true;
  const message = options.sha ? `quality-gates checkout of ${options.sha}` : 'quality-gates checkout';
  const script = [
    'git init -q -b main',
    'git add -A',
    // --no-verify: a fresh repository has no hooks anyway; the flag keeps it so.
    `git ${IDENTITY.join(' ')} commit -q --no-verify --allow-empty -m "$QG_MESSAGE"`,
  ].join(' && ');
  const result = await sandbox.run({
    argv: ['sh', '-c', script],
    cwd: dir,
    workspace: dir,
    env: { QG_MESSAGE: message, GIT_CONFIG_NOSYSTEM: '1' },
    limits: { timeoutMs: GIT_INIT_TIMEOUT_MS },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.exitCode === 0) return true;
  options.log?.warn({ exitCode: result.exitCode, stderr: result.stderr.slice(-500) }, 'could not make the workspace a git repository');
  return false;
}
