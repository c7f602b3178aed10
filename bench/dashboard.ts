/**
 * The dashboard under a year of history: 10,000 stored runs across 50 repositories (200 each, with
 * per-file coverage, findings and sources), then the repository page and a badge requested over HTTP
 * one after another, and what recording costs a job: keeping the sources from the checkout, building
 * the record, and writing it (the write runs after the job's check runs are completed).
 * Run: `node --import ./bin/register.js bench/dashboard.ts [runs] [repositories]`.
 * @module
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDashboard } from '../src/dashboard/routes.js';
import { RECENT_RUNS, repositoryPage, TREND_COMMITS } from '../src/dashboard/pages/repository.js';
import type { FileCoverage, GateResult } from '../src/gates/types.js';
import { collectSources, historyRunOf } from '../src/pipeline/history.js';
import { openDatabase } from '../src/store/database.js';
import { sqliteHistoryStore } from '../src/store/history-sqlite.js';
import type { HistoryRun } from '../src/store/history.js';
import { percentile } from './stats.js';

/** Runs stored before measuring. */
export const DEFAULT_RUNS = 10_000;
/** Repositories they are spread over. */
export const DEFAULT_REPOSITORIES = 50;
const FILES_PER_RUN = 40;
const REQUESTS = 500;

const msSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** A source file of about 3 KB, the same from run to run unless `version` changes. */
function sourceText(file: number, version: number): string {
  return Array.from({ length: 100 }, (_, line) => `export const value${String(line)} = ${String(file * 1000 + line + version)}; // line ${String(line)}`).join('\n');
}

function files(seed: number): FileCoverage[] {
  return Array.from({ length: FILES_PER_RUN }, (_, i) => {
    const uncoveredLines = Array.from({ length: (seed + i) % 12 }, (_, k) => k * 7 + 1);
    const coveredLines = Array.from({ length: 60 - uncoveredLines.length }, (_, k) => k + 100);
    return { path: `src/module-${String(i)}.ts`, lines: 60, covered: coveredLines.length, pct: (coveredLines.length / 60) * 100, uncoveredLines, coveredLines };
  });
}

function results(seed: number): GateResult[] {
  const findings = Array.from({ length: seed % 15 }, (_, i) => ({ path: `src/module-${String(i)}.ts`, line: i + 3, level: 'warning' as const, message: 'Unexpected any. Specify a different type.', rule: '@typescript-eslint/no-explicit-any' }));
  return [
    { gate: 'lint', conclusion: 'success', title: `0 errors, ${String(findings.length)} warnings`, summary: '', metrics: { errors: 0, warnings: findings.length, max_errors: 0, max_warnings: 20 }, findings, durationMs: 2_100 },
    { gate: 'coverage', conclusion: 'success', title: 'coverage', summary: '', metrics: { lines_pct: 80 + (seed % 15), min_lines: 80, tests_passed: 120, tests_failed: 0 }, findings: [], files: files(seed), durationMs: 14_000 },
    { gate: 'docs', conclusion: 'success', title: 'docs', summary: '', metrics: { documented_pct: 90 + (seed % 10), min_documented: 90 }, findings: [], durationMs: 1_800 },
  ];
}

function run(seed: number, repositories: number, at: number): HistoryRun {
  const repo = `repo-${String(seed % repositories)}`;
  const job = { id: `job-${String(seed)}`, deliveryId: 'd', trigger: 'push' as const, installationId: 1, owner: 'bench-org', repo, private: false, defaultBranch: 'main', sha: seed.toString(16).padStart(40, '0'), ref: seed % 4 === 0 ? 'refs/heads/feature' : 'refs/heads/main', gates: ['lint' as const, 'coverage' as const, 'docs' as const], checkRunIds: { lint: seed * 3, coverage: seed * 3 + 1, docs: seed * 3 + 2 }, receivedAt: at - 30_000 };
  // Each run changes one file: most sources are shared with the run before (stored once).
  const sources = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`src/module-${String(i)}.ts`, sourceText(i, i === seed % 20 ? seed : 0)]));
  return historyRunOf(job, { results: results(seed), fromCache: false, phases: { queue_wait: 50, config: 30, fetch: 400, install: 9_000 }, sources }, { checkRunIds: job.checkRunIds, finishedAt: at });
}

/** The benchmark's figures (ms). */
export interface DashboardBenchRow {
  measure: string;
  p50: number;
  p99: number;
  max: number;
}

async function timeRequests(url: string, paths: string[]): Promise<number[]> {
  const samples: number[] = [];
  for (const p of paths) {
    const start = process.hrtime.bigint();
    const response = await fetch(`${url}${p}`);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${p} answered ${String(response.status)}`);
    samples.push(msSince(start));
  }
  return samples;
}

const row = (measure: string, samples: number[]): DashboardBenchRow => ({ measure, p50: percentile(samples, 50), p99: percentile(samples, 99), max: Math.max(...samples) });

/** Fills the history, measures, prints the table. */
export async function main(total = DEFAULT_RUNS, repositories = DEFAULT_REPOSITORIES): Promise<DashboardBenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qg-bench-dashboard-'));
  try {
    const db = openDatabase(dir);
    const history = sqliteHistoryStore(db);
    const now = Date.now();
    const fillStart = process.hrtime.bigint();
    const writes: number[] = [];
    for (let i = 0; i < total; i++) {
      const record = run(i, repositories, now - (total - i) * 60_000);
      const start = process.hrtime.bigint();
      history.record(record);
      writes.push(msSince(start));
    }
    const fillSeconds = msSince(fillStart) / 1000;

    // What a job pays before its workspace is removed: reading the sources of a checkout.
    const checkout = path.join(dir, 'checkout');
    mkdirSync(path.join(checkout, 'src'), { recursive: true });
    for (let i = 0; i < FILES_PER_RUN; i++) writeFileSync(path.join(checkout, 'src', `module-${String(i)}.ts`), sourceText(i, 0));
    const collect: number[] = [];
    const build: number[] = [];
    for (let i = 0; i < 200; i++) {
      let start = process.hrtime.bigint();
      const sources = await collectSources(checkout, results(i));
      collect.push(msSince(start));
      start = process.hrtime.bigint();
      run(i, repositories, now);
      if (Object.keys(sources).length === 0) throw new Error('no source kept');
      build.push(msSince(start));
    }

    const handler = createDashboard({
      history,
      env: { QG_PUBLIC_URL: 'http://127.0.0.1' },
      log: { info: () => undefined, warn: () => undefined, debug: () => undefined },
      operator: () => Promise.resolve({ counts: {}, running: [], version: 'bench', backend: 'sqlite', sandbox: { available: true } }),
    });
    const server = createServer((req, res) => void handler(req, res).then((done) => done || res.writeHead(404).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    const pick = (i: number) => `bench-org/repo-${String((i * 7) % repositories)}`;
    await timeRequests(url, Array.from({ length: 20 }, (_, i) => `/quality-gates/${pick(i)}`)); // warm-up
    const pages = await timeRequests(url, Array.from({ length: REQUESTS }, (_, i) => `/quality-gates/${pick(i)}`));
    const badges = await timeRequests(url, Array.from({ length: REQUESTS * 2 }, (_, i) => `/quality-gates/badge/${pick(i)}/${['coverage', 'lint', 'docs'][i % 3] ?? 'coverage'}.svg`));
    const commits = await timeRequests(url, Array.from({ length: REQUESTS }, (_, i) => `/quality-gates/bench-org/repo-${String((total - 1 - i) % repositories)}/commit/${(total - 1 - i).toString(16).padStart(40, '0')}`));
    await new Promise((resolve) => server.close(resolve));
    // The first view after a run renders the page: the queries and the HTML, without the cache.
    const uncached: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const start = process.hrtime.bigint();
      const repo = `repo-${String((i * 7) % repositories)}`;
      const info = history.repository('bench-org', repo);
      if (!info) throw new Error(`${repo} has no history`);
      repositoryPage({ repository: info, defaultRuns: history.defaultBranchRuns('bench-org', repo, TREND_COMMITS), recentRuns: history.recentRuns('bench-org', repo, RECENT_RUNS), web: { url: 'https://github.com' }, publicUrl: url, canManageBadges: false });
      uncached.push(msSince(start));
    }

    const rows = [
      row('repository page (HTTP, sequential)', pages),
      row('repository page, first view after a run (queries + render)', uncached),
      row('badge (HTTP, sequential)', badges),
      row('commit page (HTTP, sequential)', commits),
      row('job: keep sources (40-file checkout)', collect),
      row('job: build the record', build),
      row('after the job: write the record', writes),
    ];
    const size = (db.prepare('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()').get() as { bytes: number }).bytes;
    db.close();
    const fmt = (n: number) => n.toFixed(2).padStart(8);
    process.stdout.write(`${String(total)} runs across ${String(repositories)} repositories stored in ${fillSeconds.toFixed(1)} s; database ${(size / 1024 / 1024).toFixed(0)} MB\n\n`);
    process.stdout.write('| measure | p50 ms | p99 ms | max ms |\n| --- | ---: | ---: | ---: |\n');
    for (const r of rows) process.stdout.write(`| ${r.measure} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} |\n`);
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(Number(process.argv[2] ?? DEFAULT_RUNS), Number(process.argv[3] ?? DEFAULT_REPOSITORIES));
