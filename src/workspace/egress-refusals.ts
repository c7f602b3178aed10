/**
 * What an install phase tried to reach and the sandbox's egress proxy refused: logged one by one (host,
 * port, phase) and turned into sentences for the check runs and the install's failure message.
 * @module
 */
import type { Logger } from '../gates/types.js';
import { describeRefusals } from '../sandbox/egress/describe.js';
import type { SandboxResult } from '../sandbox/types.js';

/**
 * Sentences for what the install tried and the egress proxy refused, logged and kept for the summaries.
 * @param results Every sandboxed command of the install.
 * @param log Where each refusal is logged (host, port, phase).
 */
export function refusalsOf(results: readonly SandboxResult[], log?: Logger, phase = 'install'): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const report = result.egress;
    if (report === undefined || report.refusedCount === 0) continue;
    for (const refusal of report.refused) log?.warn({ ...refusal, phase }, 'egress refused');
    lines.push(...describeRefusals(`the ${phase}`, report.refused, report.refusedCount));
  }
  return [...new Set(lines)];
}

/** What to add to a failed install's message when it was refused connections. */
export function refusalAdvice(refused: readonly string[]): string {
  if (refused.length === 0) return '';
  return `\nThe install tried to reach hosts outside the package registries, which the sandbox refuses:\n${refused.map((line) => `  - ${line}`).join('\n')}\n` +
    'If a dependency really needs one of them (a mirror, a prebuilt-binary host), the operator can allow it with QG_INSTALL_ALLOW_HOSTS (see docs/sandbox.md).\n';
}
