/**
 * The one currency of the engine: every gate produces a {@link GateResult}, and every reporter
 * (GitHub check run, CLI text, CLI JSON) consumes it. Toolchains measure; gates judge.
 * @module
 */
import type { Config } from '../config/schema.js';
import type { Sandbox, SandboxMount } from '../sandbox/types.js';

/** The three gates, in the order they run and are reported. Their check-run names are `quality-gates/<gate>`. */
export const GATE_NAMES = ['lint', 'coverage', 'docs'] as const;

/** One of {@link GATE_NAMES}. */
export type GateName = (typeof GATE_NAMES)[number];

/** A gate's verdict; the names are GitHub's check-run conclusions so no mapping is needed. */
export type Conclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped';

/** Severity of a finding; the names are GitHub's annotation levels. */
export type FindingLevel = 'failure' | 'warning' | 'notice';

/** One problem a tool reported, anchored to a file and line of the repository. */
export interface Finding {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  /** 1-based line where the problem starts. */
  line: number;
  /** 1-based last line of the problem, when the tool gives a range. */
  endLine?: number;
  /** 1-based column, when known. */
  column?: number;
  /** `failure` counts as an error, `warning` as a warning, `notice` counts towards nothing. */
  level: FindingLevel;
  /** What is wrong, as the tool said it. */
  message: string;
  /** The tool's rule or code (`no-unused-vars`, `E501`, `undocumented-export`). */
  rule?: string;
  /** False when the line is outside the pull request's changed lines (set by the diff filter). */
  inDiff?: boolean;
}

/** Metric values are plain JSON scalars so that the CLI's JSON and the check run's data agree. */
export type MetricValue = number | string | boolean | null;

/** Line-level coverage of one file, kept so that patch coverage can be computed from any diff. */
export interface FileCoverage {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  /** Number of executable lines. */
  lines: number;
  /** Number of executable lines that ran at least once. */
  covered: number;
  /** `covered / lines` as a percentage (100 when the file has no executable line). */
  pct: number;
  /** Executable lines that never ran, ascending. */
  uncoveredLines: number[];
  /** Executable lines that ran, ascending. */
  coveredLines: number[];
  /**
   * Branches, when the tool measures them (coverage.py with `branch = True`); they count in the
   * total as coverage.py counts them: (covered lines + covered branches) / (lines + branches).
   */
  branches?: { total: number; covered: number };
}

/** The verdict of one gate on one commit. */
export interface GateResult {
  /** Which gate produced this. */
  gate: GateName;
  /** `success` or `failure` from the thresholds; `skipped` when disabled; `neutral` when nothing applied. */
  conclusion: Conclusion;
  /** One line: what a maintainer reads in the checks list (`2 errors, 3 warnings`). */
  title: string;
  /**
   * Plain sentences, one per line (no Markdown; the reporters format it): thresholds against measured
   * values, and why the gate failed. The thresholds are also in `metrics` (`max_errors`, `min_lines` …).
   */
  summary: string;
  /**
   * Named measurements. Fixed names: lint `errors`, `warnings`; coverage `lines_pct`, `tests_passed`,
   * `tests_failed`, `patch_pct`; docs `documented_pct`, `undocumented`.
   */
  metrics: Record<string, MetricValue>;
  /** Every problem found, as line annotations. */
  findings: Finding[];
  /** Which toolchains ran (`eslint`, `c8`, `flake8` …), for the summary. */
  toolchains?: string[];
  /** Per-file line coverage (coverage gate only). */
  files?: FileCoverage[];
  /** Tool output worth showing when the gate failed for a reason other than a threshold (crash, timeout). */
  output?: string;
  /** Wall-clock time the gate took. */
  durationMs?: number;
  /**
   * Connections the dependency install this gate used tried and the sandbox's egress proxy refused, as
   * sentences (also in `summary`); the CLI lists them once for all gates.
   */
  refusedConnections?: string[];
}

/** Changed lines per file, from a diff: the lines a pull request added or modified (new-side numbers). */
export type ChangedLines = Map<string, Set<number>>;

/** Everything a toolchain needs to measure one checkout. */
export interface GateContext {
  /** Absolute path of the checkout (the workspace). */
  dir: string;
  /** The validated configuration (from the default branch in the app, from the checkout in the CLI). */
  config: Config;
  /** Where every command that touches repository code runs. */
  sandbox: Sandbox;
  /** Lines changed by the pull request (or against `--base`); undefined for a full run. */
  changedLines?: ChangedLines;
  /** Line coverage the base commit recorded, for `max_drop`; undefined when there is no base. */
  baseLinesPct?: number;
  /** Directory for caches shared between runs (dependency cache). */
  cacheDir: string;
  /** Aborted when the job is superseded or cancelled. */
  signal?: AbortSignal;
  /** Structured log lines (a pino logger in the app, a silent or stderr logger in the CLI). */
  log?: Logger;
  /**
   * Mounts every later sandboxed command gets, set by `runGates` from the dependency installs (e.g. a
   * cached `node_modules` bound read-only into the checkout).
   */
  mounts?: SandboxMount[];
}

/** How a dependency install ended. */
export interface InstallOutcome {
  /** Whether the dependencies are in place; false fails every gate whose toolchain needed them. */
  ok: boolean;
  /** The installer's output (capped), shown in the failing gates. */
  output: string;
  /** Mounts later sandboxed commands must get (see {@link GateContext.mounts}). */
  mounts?: SandboxMount[];
  /** Whether the install was served from the dependency cache. */
  cached?: boolean;
  /** Which installer ran (`npm ci`, `npm install`, `pip`). */
  tool?: string;
  /**
   * Connections the install tried that the egress proxy refused, as sentences
   * (`the install tried to reach 127.0.0.1:6379: refused (…)`); every gate that used the install lists them.
   */
  refused?: string[];
}

/**
 * A dependency install shared by the toolchains of one ecosystem (npm, a Python virtual environment).
 * Toolchains that need it point to the same object; `runGates` runs each distinct `key` once, before
 * the first gate, and only when some applicable toolchain of an enabled gate needs it.
 */
export interface DependencyInstall {
  /** Identity of the install (`npm`, `python`): toolchains sharing a key share one install. */
  readonly key: string;
  /** Whether there is anything to install (cheap: looks at files only). */
  needed(dir: string, config: Config): Promise<boolean>;
  /** Installs the dependencies (in the sandbox, with network, without secrets). */
  run(ctx: GateContext): Promise<InstallOutcome>;
}

/** The slice of pino's interface the engine uses, so the CLI need not carry pino. */
export interface Logger {
  /** Routine progress. */
  info(obj: object, msg?: string): void;
  /** Something unexpected the run survived. */
  warn(obj: object, msg?: string): void;
  /** Detail for diagnosis. */
  debug(obj: object, msg?: string): void;
}

/** Language families a toolchain serves. */
export type Language = 'javascript' | 'python';

/** What a lint toolchain measured. */
export interface LintMeasurement {
  /** Every finding; errors are `failure`, warnings `warning`. */
  findings: Finding[];
  /** Files the linter looked at. */
  filesChecked: number;
  /** Sentences for the summary about how the linter ran (which version, which configuration). */
  notes?: string[];
}

/** What a coverage toolchain measured. */
export interface CoverageMeasurement {
  /** Tests that passed. */
  testsPassed: number;
  /** Tests that failed. */
  testsFailed: number;
  /** Names of the failing tests, for the summary. */
  failedTests: string[];
  /** Per-file line coverage; the total is computed from these. */
  files: FileCoverage[];
  /** Tail of the test command's output, shown when tests failed. */
  output: string;
  /** Sentences on how the figures were counted, for the summary (e.g. compiled files without source maps). */
  notes?: string[];
}

/** One public symbol examined for a doc comment. */
export interface DocItem {
  /** Path relative to the repository root. */
  path: string;
  /** 1-based line of the declaration. */
  line: number;
  /** Qualified name (`Class.method`). */
  name: string;
  /** `function`, `class`, `method`, `interface`, `type`, `const`, `module` … */
  kind: string;
  /** Whether it carries a doc comment (JSDoc/TSDoc, or a Python docstring). */
  documented: boolean;
  /** Rule reported when it is undocumented (`D103` for a Python function); default `undocumented-export`. */
  rule?: string;
}

/** How a docs build (TypeDoc, Sphinx) ended. */
export interface DocsBuild {
  /** The build tool (`typedoc`, `sphinx`). */
  tool: string;
  /** Whether it finished without warnings or errors. */
  ok: boolean;
  /** Its output (capped), shown when it failed. */
  output: string;
}

/** What a docs toolchain measured. */
export interface DocsMeasurement {
  /** Every public symbol examined. */
  items: DocItem[];
  /** Warnings and errors of the docs build (TypeDoc, Sphinx), as findings. */
  buildFindings: Finding[];
  /** Whether a docs build ran, and whether it succeeded. */
  build?: DocsBuild;
}

/** Maps each gate to what its toolchains measure. */
export interface MeasurementByGate {
  /** Lint toolchains. */
  lint: LintMeasurement;
  /** Coverage toolchains. */
  coverage: CoverageMeasurement;
  /** Docs toolchains. */
  docs: DocsMeasurement;
}

/**
 * One tool behind one interface (ESLint, flake8, c8, jest, coverage.py, TypeScript doc comments,
 * TypeDoc, Python docstrings …). Adding one never touches the others: register it in `toolchains.ts`.
 */
export interface Toolchain<G extends GateName = GateName> {
  /** Stable id shown in summaries (`eslint`, `flake8`, `c8`). */
  readonly id: string;
  /** The gate it serves. */
  readonly gate: G;
  /** The language it serves. */
  readonly language: Language;
  /** The dependency install this toolchain needs before `measure`, if any. */
  readonly install?: DependencyInstall;
  /** Whether this toolchain applies to the checkout (cheap: looks at files only). */
  detect(dir: string, config: Config): Promise<boolean>;
  /** Runs the tool in the sandbox and returns what it measured; throws {@link ToolError} when the tool failed. */
  measure(ctx: GateContext): Promise<MeasurementByGate[G]>;
}

/**
 * A tool could not produce a measurement (crashed, timed out, missing). The gate becomes a failure
 * whose summary carries `message` and whose output carries the tool's output.
 */
export class ToolError extends Error {
  /** The tool's combined output (already capped), shown in the check run. */
  readonly output: string;
  /** Why the tool failed, in a word, for metrics: `timeout`, `crash`, `missing`, `killed`, `output-limit`. */
  readonly reason: string;

  /**
   * @param message What happened and what to do about it.
   * @param options The tool's output, the reason word, and the underlying cause.
   */
  constructor(message: string, options: { output?: string; reason?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ToolError';
    this.output = options.output ?? '';
    this.reason = options.reason ?? 'crash';
  }
}
