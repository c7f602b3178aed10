import { describe, expect, it } from '@jest/globals';
import { ConfigSchema, type ConfigInput } from '../../src/config/schema.js';
import { runGates, type RunGatesOptions } from '../../src/gates/run.js';
import {
  ToolError,
  type DependencyInstall,
  type GateContext,
  type GateName,
  type MeasurementByGate,
  type Toolchain,
} from '../../src/gates/types.js';
import type { Sandbox } from '../../src/sandbox/types.js';

const noSandbox: Sandbox = {
  kind: 'none',
  run: () => Promise.reject(new Error('these tests run no command')),
};

const MEASUREMENTS: MeasurementByGate = {
  lint: { findings: [{ path: 'a.js', line: 1, level: 'failure', message: 'x', rule: 'r' }], filesChecked: 1 },
  coverage: {
    testsPassed: 1,
    testsFailed: 0,
    failedTests: [],
    files: [{ path: 'a.js', lines: 1, covered: 1, pct: 100, coveredLines: [1], uncoveredLines: [] }],
    output: '',
  },
  docs: { items: [{ path: 'a.js', line: 1, name: 'a', kind: 'function', documented: true }], buildFindings: [] },
};

function fake<G extends GateName>(gate: G, id: string, extra: Partial<Toolchain<G>> = {}, seen: GateContext[] = []): Toolchain {
  return {
    id,
    gate,
    language: 'javascript',
    detect: () => Promise.resolve(true),
    measure: (ctx) => {
      seen.push(ctx);
      return Promise.resolve(MEASUREMENTS[gate]);
    },
    ...extra,
  } as Toolchain;
}

function options(toolchains: Toolchain[], config: ConfigInput = {}, extra: Partial<RunGatesOptions> = {}): RunGatesOptions {
  return { dir: '/ws', config: ConfigSchema.parse(config), sandbox: noSandbox, cacheDir: '/cache', toolchains, initGit: false, ...extra };
}

function counter(key: string, ok = true): DependencyInstall & { runs: number } {
  const step = {
    key,
    runs: 0,
    needed: () => Promise.resolve(true),
    run() {
      step.runs++;
      return Promise.resolve({ ok, output: ok ? '' : 'npm ERR! 404 left-pad', mounts: [{ source: '/cache/k', target: '/ws/node_modules', readOnly: true }] });
    },
  };
  return step;
}

describe('runGates', () => {
  it('runs every gate, coverage last, judges it, reports start and result of each, and answers in gate order', async () => {
    const events: string[] = [];
    const results = await runGates(
      options([fake('docs', 'tsdoc'), fake('lint', 'eslint'), fake('coverage', 'c8')], {}, {
        onGateStart: (gate) => void events.push(`start ${gate}`),
        onGateResult: (result) => void events.push(`result ${result.gate} ${result.conclusion}`),
      }),
    );
    expect(results.map((r) => [r.gate, r.conclusion, r.toolchains])).toEqual([
      ['lint', 'failure', ['eslint']],
      ['coverage', 'success', ['c8']],
      ['docs', 'success', ['tsdoc']],
    ]);
    // Coverage runs the repository's code, which may change the checkout: the others read it first.
    expect(events).toEqual(['start lint', 'result lint failure', 'start docs', 'result docs success', 'start coverage', 'result coverage success']);
    expect(results.every((r) => typeof r.durationMs === 'number')).toBe(true);
  });

  it('skips disabled gates, leaves unselected gates out, and is neutral when no toolchain applies', async () => {
    const never = fake('docs', 'tsdoc', { detect: () => Promise.resolve(false) });
    const results = await runGates(options([fake('lint', 'eslint'), never], { lint: { enabled: false } }, { gates: ['lint', 'docs'] }));
    expect(results.map((r) => [r.gate, r.conclusion])).toEqual([
      ['lint', 'skipped'],
      ['docs', 'neutral'],
    ]);
    expect(results[1]?.summary).toMatch(/No docs toolchain applies/);
  });

  it('installs shared dependencies once and hands their mounts to every toolchain', async () => {
    const npm = counter('npm');
    const seen: GateContext[] = [];
    await runGates(options([fake('lint', 'eslint', { install: npm }, seen), fake('coverage', 'c8', { install: npm }, seen)]));
    expect(npm.runs).toBe(1);
    expect(seen.map((ctx) => ctx.mounts)).toEqual([
      [{ source: '/cache/k', target: '/ws/node_modules', readOnly: true }],
      [{ source: '/cache/k', target: '/ws/node_modules', readOnly: true }],
    ]);
  });

  it('lists the connections the sandbox refused during an install in the summaries of the gates that used it', async () => {
    const npm = counter('npm');
    const refused = ['the install tried to reach 127.0.0.1:6379: refused (an IP address (a loopback address), not a registry name)'];
    const step: DependencyInstall = { ...npm, run: async (ctx) => ({ ...(await npm.run(ctx)), refused }) };
    const results = await runGates(options([fake('lint', 'eslint'), fake('coverage', 'c8', { install: step })]));
    expect(results[1]?.summary.split('\n').slice(-2)).toEqual([
      'Network access the sandbox refused during the dependency install:',
      'The install tried to reach 127.0.0.1:6379: refused (an IP address (a loopback address), not a registry name).',
    ]);
    expect(results[0]?.summary).not.toContain('refused');
  });

  it('does not install for disabled gates or when nothing is needed', async () => {
    const npm = counter('npm');
    const idle = { ...counter('py'), needed: () => Promise.resolve(false) };
    await runGates(options([fake('coverage', 'c8', { install: npm }), fake('lint', 'flake8', { install: idle })], { coverage: { enabled: false } }));
    expect(npm.runs).toBe(0);
    expect(idle.runs).toBe(0);
  });

  it('fails the gates whose toolchains needed a failed install, with its output, and runs the others', async () => {
    const npm = counter('npm', false);
    const results = await runGates(options([fake('lint', 'eslint'), fake('coverage', 'c8', { install: npm })]));
    expect(results.map((r) => [r.gate, r.conclusion])).toEqual([
      ['lint', 'failure'],
      ['coverage', 'failure'],
      ['docs', 'neutral'],
    ]);
    expect(results[0]?.metrics.error).toBeUndefined();
    expect(results[1]?.title).toBe('Dependency install failed');
    expect(results[1]?.output).toContain('npm ERR! 404 left-pad');
  });

  it('runs a toolchain that shares a failed install but does not need it (bundled ESLint, no repository config)', async () => {
    const npm = counter('npm', false);
    const unneeded = { ...npm, needed: () => Promise.resolve(false) };
    const results = await runGates(options([fake('lint', 'eslint', { install: unneeded }), fake('coverage', 'c8', { install: npm })]));
    expect(results[0]?.title).toBe('1 error, 0 warnings');
    expect(results[1]?.title).toBe('Dependency install failed');
  });

  it('uses the install hook of the caller and turns a throwing install into a failed one', async () => {
    const npm = counter('npm');
    const results = await runGates(
      options([fake('coverage', 'c8', { install: npm })], {}, { install: () => Promise.reject(new Error('cache disk full')) }),
    );
    expect(npm.runs).toBe(0);
    expect(results[1]?.conclusion).toBe('failure');
    expect(results[1]?.output).toContain('cache disk full');
  });

  it('turns a ToolError into a failing gate that says why, and any other error too', async () => {
    const timedOut = fake('coverage', 'c8', {
      measure: () => Promise.reject(new ToolError('The tests did not finish: killed after 5 s.', { output: 'tail', reason: 'timeout' })),
    });
    const crashed = fake('lint', 'eslint', { measure: () => Promise.reject(new TypeError('boom')) });
    const results = await runGates(options([crashed, timedOut]));
    expect(results[0]).toMatchObject({ conclusion: 'failure', title: 'eslint could not run', summary: 'boom', metrics: { error: 'crash' } });
    expect(results[1]).toMatchObject({ conclusion: 'failure', title: 'Timed out (c8)', output: 'tail', metrics: { error: 'timeout' } });
  });

  it('merges what several toolchains of one gate measured', async () => {
    const results = await runGates(options([fake('lint', 'eslint'), fake('lint', 'flake8')], {}, { gates: ['lint'] }));
    expect(results[0]?.metrics).toMatchObject({ errors: 2, files_checked: 2 });
    expect(results[0]?.toolchains).toEqual(['eslint', 'flake8']);
  });

  it('cancels the gates that had not started when the run is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const results = await runGates(options([fake('lint', 'eslint')], {}, { signal: controller.signal, gates: ['lint'] }));
    expect(results[0]?.conclusion).toBe('cancelled');
  });
});

describe('runGates and git', () => {
  it('still runs the gates when making the checkout a git repository fails', async () => {
    const { runGates: run } = await import('../../src/gates/run.js');
    const { ConfigSchema: schema } = await import('../../src/config/schema.js');
    const results = await run({
      dir: '/ws',
      config: schema.parse({ coverage: { enabled: false }, docs: { enabled: false } }),
      sandbox: { kind: 'none', run: () => Promise.reject(new Error('no sandbox here')) },
      cacheDir: '/cache',
      toolchains: [],
    });
    expect(results.map((r) => r.conclusion)).toEqual(['neutral', 'skipped', 'skipped']);
  });
});
