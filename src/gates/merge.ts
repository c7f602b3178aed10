/**
 * Merging what several toolchains of one gate measured (a repository with both JS and Python code,
 * or doc comments plus a docs build) into one measurement for the judge.
 * @module
 */
import type { CoverageMeasurement, DocsMeasurement, GateName, LintMeasurement, MeasurementByGate } from './types.js';

function mergeLint(parts: LintMeasurement[]): LintMeasurement {
  const merged: LintMeasurement = {
    findings: parts.flatMap((p) => p.findings),
    filesChecked: parts.reduce((n, p) => n + p.filesChecked, 0),
  };
  const notes = parts.flatMap((p) => p.notes ?? []);
  if (notes.length > 0) merged.notes = notes;
  return merged;
}

function mergeCoverage(parts: CoverageMeasurement[]): CoverageMeasurement {
  const merged: CoverageMeasurement = {
    testsPassed: parts.reduce((n, p) => n + p.testsPassed, 0),
    testsFailed: parts.reduce((n, p) => n + p.testsFailed, 0),
    failedTests: parts.flatMap((p) => p.failedTests),
    files: parts.flatMap((p) => p.files).sort((a, b) => a.path.localeCompare(b.path)),
    output: parts.map((p) => p.output).filter((o) => o.length > 0).join('\n'),
  };
  const notes = parts.flatMap((p) => p.notes ?? []);
  if (notes.length > 0) merged.notes = notes;
  return merged;
}

function mergeDocs(parts: DocsMeasurement[]): DocsMeasurement {
  const builds = parts.flatMap((p) => (p.build ? [p.build] : []));
  const merged: DocsMeasurement = {
    items: parts.flatMap((p) => p.items),
    buildFindings: parts.flatMap((p) => p.buildFindings),
  };
  if (builds.length > 0) {
    merged.build = {
      tool: builds.map((b) => b.tool).join(' + '),
      ok: builds.every((b) => b.ok),
      output: builds.map((b) => b.output).filter((o) => o.length > 0).join('\n'),
    };
  }
  return merged;
}

/** One measurement from the measurements of every toolchain that ran for `gate` (at least one). */
export function mergeMeasurements<G extends GateName>(gate: G, parts: MeasurementByGate[G][]): MeasurementByGate[G] {
  const merged: MeasurementByGate[GateName] =
    gate === 'lint'
      ? mergeLint(parts as LintMeasurement[])
      : gate === 'coverage'
        ? mergeCoverage(parts as CoverageMeasurement[])
        : mergeDocs(parts as DocsMeasurement[]);
  return merged as MeasurementByGate[G];
}
