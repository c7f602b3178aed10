/**
 * The docs gate's judge: public symbols with or without a doc comment, and the docs build → verdict. Pure.
 * @module
 */
import type { Config } from '../config/schema.js';
import type { DocItem, DocsMeasurement, Finding, GateResult } from './types.js';
import { pct, plural, round2, shortList } from './wording.js';

/** Undocumented symbols named in the summary (every one is also a finding). */
const UNDOCUMENTED_SHOWN = 5;

/** The finding for a public symbol without a doc comment. */
export function undocumentedFinding(item: DocItem): Finding {
  return {
    path: item.path,
    line: item.line,
    level: 'warning',
    message:
      item.rule === undefined
        ? `Exported ${item.kind} ${item.name} has no doc comment.`
        : `Public ${item.kind} ${item.name} has no docstring.`,
    rule: item.rule ?? 'undocumented-export',
  };
}

/** Judges doc-comment coverage against `min_documented`; a docs build that warned or failed fails the gate. */
export function judgeDocs(m: DocsMeasurement, config: Config): GateResult {
  const minDocumented = config.docs.min_documented;
  const total = m.items.length;
  const undocumented = m.items.filter((item) => !item.documented);
  const documented = total - undocumented.length;
  const documentedPct = total === 0 ? 100 : round2((documented / total) * 100);
  const metrics: GateResult['metrics'] = {
    documented_pct: documentedPct,
    undocumented: undocumented.length,
    documented,
    total,
    min_documented: minDocumented,
  };
  const summary: string[] = [];
  const failed: string[] = [];
  if (total === 0) summary.push('No exported symbol found in the public API.');
  else summary.push(`${String(documented)} of ${plural(total, 'public symbol')} ${total === 1 ? 'carries' : 'carry'} a doc comment: ${pct(documentedPct)} (at least ${pct(minDocumented)} required).`);
  if (undocumented.length > 0) summary.push(`Undocumented: ${shortList(undocumented.map((i) => i.name), UNDOCUMENTED_SHOWN)}.`);
  if (documentedPct < minDocumented) failed.push(`${pct(documentedPct)} documented is below min_documented = ${pct(minDocumented)}`);
  const titleParts = [`${pct(documentedPct)} documented`];
  if (m.build) {
    const problems = m.buildFindings.length;
    metrics.build = m.build.tool;
    metrics.build_ok = m.build.ok;
    metrics.build_warnings = problems;
    summary.push(m.build.ok ? `The ${m.build.tool} build finished without warnings.` : `The ${m.build.tool} build reported ${plural(problems, 'problem')}.`);
    if (!m.build.ok) failed.push(`the ${m.build.tool} build must finish without warnings`);
    titleParts.push(m.build.ok ? `${m.build.tool} clean` : `${m.build.tool}: ${plural(problems, 'warning')}`);
  }
  if (failed.length > 0) summary.push(`Failed: ${failed.join('; ')}.`);
  const result: GateResult = {
    gate: 'docs',
    conclusion: failed.length > 0 ? 'failure' : 'success',
    title: titleParts.join(', '),
    summary: summary.join('\n'),
    metrics,
    findings: [...undocumented.map(undocumentedFinding), ...m.buildFindings],
  };
  if (m.build && !m.build.ok) result.output = m.build.output;
  return result;
}
