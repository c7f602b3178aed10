/**
 * Names and shapes the GitHub client shares with the app and the pipeline: the fixed check-run names,
 * the Octokit type Probot hands us, and what a completed check run carries.
 * @module
 */
import type { ProbotOctokit } from 'probot';
import type { GateName } from '../gates/types.js';
import type { Annotation } from '../report/annotations.js';

/** The Octokit instance Probot gives a handler (`context.octokit`) or `probot.auth(installationId)` returns. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

/** Prefix of every check run this app creates; the names are fixed because branch protection requires them by name. */
export const CHECK_NAME_PREFIX = 'quality-gates/';

/** The check-run name of a gate (`quality-gates/lint`). */
export function checkName(gate: GateName): string {
  return `${CHECK_NAME_PREFIX}${gate}`;
}

/** The gate a check-run name belongs to, or undefined when it is not one of ours. */
export function gateOfCheckName(name: string, gates: readonly GateName[]): GateName | undefined {
  return gates.find((gate) => checkName(gate) === name);
}

/** A repository: owner login and name. */
export interface RepoRef {
  /** Owner login. */
  owner: string;
  /** Repository name. */
  repo: string;
}

/** The output of a completed check run. */
export interface CheckOutput {
  /** One line. */
  title: string;
  /** Markdown summary (≤ 65,535 characters). */
  summary: string;
  /** Markdown details (≤ 65,535 characters). */
  text?: string;
  /** Every annotation; the client sends them in batches. */
  annotations?: Annotation[];
}

/** GitHub's check-run conclusions this app sets. */
export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out';

/** Whether GitHub requires our checks on a branch: `unknown` when the app may not read the rules. */
export type RequiredChecksState =
  | { state: 'required'; contexts: string[] }
  | { state: 'not-required'; contexts: string[] }
  | { state: 'unknown'; reason: string };
