/**
 * checks.complete: a gate result becomes a check run's output — the Markdown summary with the
 * machine-readable metrics embedded (the next pull request's base comparison reads them back), the
 * plain text, and every finding as an annotation — plus notes the maintainer should read.
 * @module
 */
import { GATE_NAMES, type GateResult } from '../gates/types.js';
import { renderSummary, renderText, truncateMarkdown } from '../report/markdown.js';
import { toAnnotations } from '../report/annotations.js';
import { checkName, type CheckOutput, type RequiredChecksState } from '../github/types.js';

/** Where the config keys are documented; linked from every summary. */
export const CONFIG_DOCS_URL = 'https://github.com/quality-gates/quality-gates/blob/main/docs/configuration.md';

/**
 * The note shown when the target branch does not require our checks: a failing check then blocks
 * nothing, which a maintainer would not guess from a red cross.
 */
export function enforcementNote(branch: string, required: RequiredChecksState): string | undefined {
  if (required.state !== 'not-required') return undefined;
  const names = GATE_NAMES.map((gate) => `\`${checkName(gate)}\``).join(', ');
  return (
    `**Not enforced:** branch \`${branch}\` does not require ${names}, so a failure here does not block the merge. ` +
    'To block it, add them as required status checks in a ruleset (Settings → Rules → Rulesets → "Require status checks to pass") ' +
    'or in branch protection, and choose this app as the expected source so no other app or workflow can set them.'
  );
}

/**
 * Path where the app serves `docs/configuration.md` of its own version, linked from every check
 * summary when `QG_PUBLIC_URL` is set: the maintainer reads the keys of exactly the version that judged.
 */
export const CONFIG_DOCS_PATH = '/quality-gates/docs/configuration.md';

/**
 * Where a summary links for the config keys: the reference the app itself serves when its public URL
 * is known (the same version that judged), else the project's published copy.
 */
export function configDocsUrl(publicUrl: string | undefined): string {
  if (!publicUrl) return CONFIG_DOCS_URL;
  return `${publicUrl.replace(/\/+$/, '')}${CONFIG_DOCS_PATH}`;
}

/**
 * The dashboard's page of the job's commit, linked from every summary; undefined without a public URL.
 * @param publicUrl `QG_PUBLIC_URL`.
 * @param job The repository and commit.
 */
export function commitPageUrl(publicUrl: string | undefined, job: { owner: string; repo: string; sha: string }): string | undefined {
  if (!publicUrl) return undefined;
  const repo = `${encodeURIComponent(job.owner)}/${encodeURIComponent(job.repo)}`;
  return `${publicUrl.replace(/\/+$/, '')}/quality-gates/${repo}/commit/${job.sha}`;
}

/** The check-run output of one gate result (the summary already carries the embedded metrics). */
export function checkOutput(result: GateResult, notes: readonly string[], docsUrl = CONFIG_DOCS_URL, historyUrl?: string): CheckOutput {
  const summary = renderSummary(result, { configDocsUrl: docsUrl, notes: [...notes], ...(historyUrl ? { historyUrl } : {}) });
  const text = renderText(result);
  return { title: result.title, summary, ...(text ? { text } : {}), annotations: toAnnotations(result.findings) };
}

/** The output of a check that could not run, with the reason (and the tool's output, if any). */
export function failureOutput(title: string, reason: string, details?: string): CheckOutput {
  const text = details ? truncateMarkdown(`\`\`\`\n${details.slice(-60_000)}\n\`\`\``) : undefined;
  return { title, summary: truncateMarkdown(reason), ...(text ? { text } : {}) };
}
