/**
 * The engine: detect the toolchains that apply, install dependencies once, then run each enabled gate
 * in {@link GATE_NAMES} order and judge it. Every failure of a tool or an install becomes a failing
 * gate that says why; `runGates` itself only throws for programmer errors (and when a callback throws).
 * @module
 */
import { judgeCoverage } from './coverage.js';
import { judgeDocs } from './docs.js';
import { judgeLint } from './lint.js';
import { mergeMeasurements } from './merge.js';
import { TOOLCHAINS } from './toolchains.js';
import { initGitRepository } from '../workspace/git.js';
import {
  GATE_NAMES,
  ToolError,
  type DependencyInstall,
  type GateContext,
  type GateName,
  type GateResult,
  type InstallOutcome,
  type MeasurementByGate,
  type Toolchain,
} from './types.js';

/** Options of {@link runGates}: the context every toolchain gets, plus what to run and progress callbacks. */
export interface RunGatesOptions extends GateContext {
  /** Gates to run (default: all); gates left out produce no result at all. */
  gates?: GateName[];
  /** The toolchain registry (default {@link TOOLCHAINS}); tests pass their own. */
  toolchains?: readonly Toolchain[];
  /** Runs one dependency install (default: `step.run(ctx)`); the app wraps it to log and time installs. */
  install?: (ctx: GateContext, step: DependencyInstall) => Promise<InstallOutcome>;
  /** Make the checkout a git repository first, as test suites expect (default true; `.git` already there is kept). */
  initGit?: boolean;
  /** Called when a gate starts (the app moves its check run to `in_progress`). */
  onGateStart?(gate: GateName): void | Promise<void>;
  /** Called with each gate's result as soon as it is known (the app completes its check run). */
  onGateResult?(result: GateResult): void | Promise<void>;
}

type Plan = Map<GateName, Toolchain[]>;

function describeError(error: unknown): { message: string; output: string; reason: string } {
  if (error instanceof ToolError) return { message: error.message, output: error.output, reason: error.reason };
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  return { message, output: stack, reason: 'crash' };
}

function failed(gate: GateName, title: string, message: string, output: string, reason: string): GateResult {
  return { gate, conclusion: 'failure', title, summary: message, metrics: { error: reason }, findings: [], output };
}

function judge<G extends GateName>(gate: G, m: MeasurementByGate[G], ctx: GateContext): GateResult {
  const any = m as MeasurementByGate[GateName];
  if (gate === 'lint') return judgeLint(any as MeasurementByGate['lint'], ctx.config, ctx.changedLines);
  if (gate === 'coverage') {
    return judgeCoverage(any as MeasurementByGate['coverage'], ctx.config, ctx.changedLines, ctx.baseLinesPct);
  }
  return judgeDocs(any as MeasurementByGate['docs'], ctx.config);
}

async function plan(options: RunGatesOptions, gates: readonly GateName[]): Promise<Plan> {
  const registry = options.toolchains ?? TOOLCHAINS;
  const result: Plan = new Map();
  for (const gate of gates) {
    const applicable: Toolchain[] = [];
    for (const toolchain of registry) {
      if (toolchain.gate === gate && (await toolchain.detect(options.dir, options.config))) applicable.push(toolchain);
    }
    result.set(gate, applicable);
  }
  return result;
}

/** Runs every install some planned toolchain needs, once per key; returns the outcomes by key. */
async function installAll(options: RunGatesOptions, toolchains: Toolchain[]): Promise<Map<string, InstallOutcome>> {
  const outcomes = new Map<string, InstallOutcome>();
  for (const { install: step } of toolchains) {
    if (!step || outcomes.has(step.key) || !(await step.needed(options.dir, options.config))) continue;
    try {
      const outcome = await (options.install ?? ((ctx, s) => s.run(ctx)))(options, step);
      outcomes.set(step.key, outcome);
      options.log?.info({ install: step.key, ok: outcome.ok, cached: outcome.cached }, 'dependencies installed');
    } catch (error) {
      const { message, output } = describeError(error);
      outcomes.set(step.key, { ok: false, output: `${message}\n${output}`.trim() });
    }
  }
  return outcomes;
}

async function runGate(gate: GateName, toolchains: Toolchain[], ctx: GateContext, installs: Map<string, InstallOutcome>): Promise<GateResult> {
  if (!ctx.config[gate].enabled) {
    return { gate, conclusion: 'skipped', title: 'Disabled', summary: `The ${gate} gate is disabled in the configuration (${gate}.enabled: false).`, metrics: {}, findings: [] };
  }
  if (ctx.signal?.aborted) {
    return { gate, conclusion: 'cancelled', title: 'Cancelled', summary: 'The run was cancelled before this gate started.', metrics: {}, findings: [] };
  }
  if (toolchains.length === 0) {
    const why = `No ${gate} toolchain applies to this repository (language: ${ctx.config.language}): it has no package.json and no Python project, or the language setting excludes them.`;
    return { gate, conclusion: 'neutral', title: 'Nothing to check', summary: why, metrics: {}, findings: [] };
  }
  for (const toolchain of toolchains) {
    const outcome = toolchain.install && installs.get(toolchain.install.key);
    // A shared install can fail for a toolchain that never needed it (the bundled ESLint needs nothing).
    if (outcome && !outcome.ok && (await toolchain.install?.needed(ctx.dir, ctx.config))) {
      const message = `Installing the dependencies (${outcome.tool ?? toolchain.install?.key ?? 'install'}) failed, so ${toolchain.id} could not run. Fix the install (lockfile, coverage.install) and push again.`;
      return failed(gate, 'Dependency install failed', message, outcome.output, 'install');
    }
  }
  const parts: MeasurementByGate[GateName][] = [];
  for (const toolchain of toolchains) {
    try {
      parts.push(await toolchain.measure(ctx));
    } catch (error) {
      const { message, output, reason } = describeError(error);
      ctx.log?.warn({ gate, toolchain: toolchain.id, reason }, 'toolchain failed');
      const title = reason === 'timeout' ? `Timed out (${toolchain.id})` : `${toolchain.id} could not run`;
      return { ...failed(gate, title, message, output, reason), toolchains: toolchains.map((t) => t.id) };
    }
  }
  return withRefusals({ ...judge(gate, mergeMeasurements(gate, parts), ctx), toolchains: toolchains.map((t) => t.id) }, toolchains, installs);
}

/** Lists, in the summary, the connections the install this gate used tried and was refused: an attempt is worth a maintainer's look even when the install succeeded. */
function withRefusals(result: GateResult, toolchains: Toolchain[], installs: Map<string, InstallOutcome>): GateResult {
  const keys = new Set(toolchains.flatMap((toolchain) => (toolchain.install ? [toolchain.install.key] : [])));
  const refused = [...keys].flatMap((key) => installs.get(key)?.refused ?? []);
  if (refused.length === 0) return result;
  const sentences = refused.map((line) => `${line.charAt(0).toUpperCase()}${line.slice(1)}.`);
  return { ...result, refusedConnections: refused, summary: [result.summary, 'Network access the sandbox refused during the dependency install:', ...sentences].join('\n') };
}

/** Runs the enabled gates on one checkout (coverage last) and returns one result per selected gate, in {@link GATE_NAMES} order. */
export async function runGates(options: RunGatesOptions): Promise<GateResult[]> {
  const gates = GATE_NAMES.filter((gate) => options.gates?.includes(gate) ?? true);
  const enabled = gates.filter((gate) => options.config[gate].enabled);
  const planned = await plan(options, enabled);
  if (options.initGit !== false && enabled.length > 0) {
    // Best effort: without git the gates still run, as they did before this step existed.
    await initGitRepository(options.dir, options.sandbox, { ...(options.signal ? { signal: options.signal } : {}), ...(options.log ? { log: options.log } : {}) }).catch(
      (error: unknown) => options.log?.warn({ err: String(error) }, 'could not make the workspace a git repository'),
    );
  }
  const installs = await installAll(options, [...planned.values()].flat());
  const mounts = [...(options.mounts ?? []), ...[...installs.values()].flatMap((o) => o.mounts ?? [])];
  const ctx: GateContext = { ...options, mounts };
  const results = new Map<GateName, GateResult>();
  // The coverage gate runs the repository's code — a `pretest` build, tests that write files — in
  // the checkout the gates share: the gates that only read it go first, so they judge what was
  // pushed and not what the tests left behind (uuid's pretest builds `dist-node/`, which the docs
  // gate then took for the package's API).
  for (const gate of [...gates.filter((g) => g !== 'coverage'), ...gates.filter((g) => g === 'coverage')]) {
    await options.onGateStart?.(gate);
    const started = Date.now();
    const result = await runGate(gate, planned.get(gate) ?? [], ctx, installs);
    result.durationMs = Date.now() - started;
    results.set(gate, result);
    await options.onGateResult?.(result);
  }
  return gates.flatMap((gate) => results.get(gate) ?? []);
}
