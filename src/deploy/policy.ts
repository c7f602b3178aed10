/**
 * Whether a push deploys: it must reach the deploy branch, and every enabled gate must have passed.
 * @module
 */
import type { Conclusion, GateResult } from '../gates/types.js';
import type { Config } from '../config/schema.js';

/**
 * Conclusions that do not block a deploy. `skipped` is a disabled gate; `neutral` is a gate with
 * nothing to judge (no Python files) — GitHub's required checks treat both as passing, and so do we.
 */
export const NON_BLOCKING: ReadonlySet<Conclusion> = new Set(['success', 'skipped', 'neutral']);

/** The decision and the sentence the check summary shows for it. */
export interface DeployDecision {
  /** True when the targets should fire. */
  deploy: boolean;
  /** Why (or why not), one line. */
  reason: string;
}

/** Decides whether a push deploys. */
export function shouldDeploy(input: {
  pushRef: string;
  defaultBranch: string;
  deployConfig: Config['deploy'];
  results: readonly GateResult[];
}): DeployDecision {
  const config = input.deployConfig;
  if (config === undefined) return { deploy: false, reason: 'no `deploy:` section in the config' };
  if (config.dockerhub === undefined && config.webhook === undefined) {
    return { deploy: false, reason: 'no deploy target configured (`deploy.dockerhub` or `deploy.webhook`)' };
  }
  const branch = config.branch ?? input.defaultBranch;
  const pushed = input.pushRef.replace(/^refs\/heads\//, '');
  if (!input.pushRef.startsWith('refs/heads/') || pushed !== branch) {
    return { deploy: false, reason: `${input.pushRef} is not the deploy branch (${branch})` };
  }
  if (input.results.length === 0) return { deploy: false, reason: 'no gate results for this commit' };
  const blocking = input.results.filter((r) => !NON_BLOCKING.has(r.conclusion));
  if (blocking.length > 0) {
    const list = blocking.map((r) => `${r.gate} (${r.conclusion})`).join(', ');
    return { deploy: false, reason: `not deployed: ${list} did not pass` };
  }
  const passed = input.results.filter((r) => r.conclusion === 'success').map((r) => r.gate);
  return { deploy: true, reason: `push to ${branch} and every enabled gate passed (${passed.join(', ') || 'none enabled'})` };
}
