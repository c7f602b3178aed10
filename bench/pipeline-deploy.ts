/**
 * Deploy latency through the whole app, as `npm start` runs it: a signed push webhook to the app
 * process → queue → worker → pipeline (config, tree cache or gates) → GitHub Deployment → the POST
 * that reaches a local Docker Hub stand-in. GitHub is the e2e tests' fake, behind a proxy that adds a
 * chosen latency to every call (0: the app's own overhead; 100 ms: a typical GitHub round trip).
 *  (a) push → trigger when the pushed tree already passed (the merge of an up-to-date pull request);
 *  (b) push → trigger for a fresh tree, minus the gates' own time (the "took N s" of each check).
 * Run: `node --import ./bin/register.js bench/pipeline-deploy.ts` (`BENCH_N`, `BENCH_FRESH_N` set n).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { APP_ROOT } from '../src/paths.js';
import { startFakeGitHub, type FakeCheckRun, type FakeGitHub } from '../test/support/fake-github.js';
import { startApp, WEBHOOK_SECRET, type AppProcess } from '../test/support/app-process.js';
import { deliver, pullRequestPayload, pushPayload } from '../test/support/webhooks.js';
import { percentile } from './stats.js';

/** Pushes whose tree already passed, per latency (the brief asks for n ≥ 20). */
const N_CACHED = Number(process.env.BENCH_N ?? 30);
/** Pushes of a fresh tree, per latency (n ≥ 5; each runs the three gates, ~4 s). */
const N_FRESH = Number(process.env.BENCH_FRESH_N ?? 6);
/** Added to every GitHub call: none, and a typical REST round trip from a European or US server (assumed). */
const LATENCIES_MS = [0, 100];
/** The worker's poll interval in production (`DEFAULT_TUNING.pollMs`); the e2e helpers shorten it to 50 ms. */
const PRODUCTION_POLL_MS = '250';
const OWNER = 'bench-org';
const FIXTURE = path.join(APP_ROOT, 'test', 'fixtures', 'repos', 'js-pass');

const hex = (word: string, i: number) => Buffer.from(`${word}-${String(i)}`.padEnd(20, '.')).toString('hex').slice(0, 40);

/** One pass through the app. */
interface Sample {
  /** Bench clock: push sent → trigger received by the stand-in. */
  totalMs: number;
  /** The app's own figure in the check summary ("N ms after the push"). */
  reportedMs: number;
  /** Σ "took N s" of the three checks (0 on a cache hit). */
  gatesMs: number;
}

/** Docker Hub stand-in: resolves the waiter of a path when its trigger arrives. */
async function startHub(): Promise<{ url: string; next(pathPrefix: string): Promise<number>; close(): void }> {
  const waiters = new Map<string, (at: number) => void>();
  const server = createServer((req, res) => {
    const at = performance.now();
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"state":"Success"}');
      for (const [prefix, resolve] of waiters) {
        if (!(req.url ?? '').startsWith(prefix)) continue;
        waiters.delete(prefix);
        resolve(at);
      }
    });
  });
  const url = await listen(server);
  return { url, next: (prefix) => new Promise((resolve) => waiters.set(prefix, resolve)), close: () => server.close() };
}

/** A proxy in front of the fake GitHub that delays every request by `latencyMs`. */
async function startLatencyProxy(target: FakeGitHub, latencyMs: number): Promise<{ host: string; close(): void }> {
  const server = createServer((req, res) => {
    void sleep(latencyMs).then(() => {
      const upstream = httpRequest({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
  });
  const url = await listen(server);
  return { host: url.replace('http://', ''), close: () => server.close() };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

async function completed(github: FakeGitHub, sha: string): Promise<FakeCheckRun[]> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const runs = github.runsFor(sha);
    if (runs.length >= 3 && runs.every((r) => r.status === 'completed')) return runs;
    if (Date.now() > deadline) throw new Error(`bench: the checks of ${sha} did not complete`);
    await sleep(20);
  }
}

function summaryFigures(runs: FakeCheckRun[]): { reportedMs: number; gatesMs: number; cached: boolean; deployed: boolean } {
  const summaries = runs.map((r) => r.output.summary ?? '');
  const reported = /(\d+) ms after the push/.exec(summaries[0] ?? '');
  const gatesMs = summaries.reduce((sum, s) => sum + Number(/took ([\d.]+) s/.exec(s)?.[1] ?? 0) * 1000, 0);
  return { reportedMs: Number(reported?.[1] ?? NaN), gatesMs, cached: summaries.some((s) => s.includes('Tree already passed')), deployed: reported !== null };
}

/** Pushes `sha` to main and waits for the trigger and the completed checks. */
async function pushOnce(ctx: { app: AppProcess; github: FakeGitHub; hub: Awaited<ReturnType<typeof startHub>> }, repo: string, sha: string, expectCached: boolean): Promise<Sample> {
  const trigger = ctx.hub.next(`/api/build/v1/source/${repo}/`);
  const sent = performance.now();
  const answer = await deliver(ctx.app.url, 'push', pushPayload({ owner: OWNER, repo, sha, branch: 'main' }), WEBHOOK_SECRET);
  if (answer.status !== 200) throw new Error(`bench: push answered ${String(answer.status)}: ${answer.body}`);
  const received = await trigger;
  const figures = summaryFigures(await completed(ctx.github, sha));
  if (!figures.deployed || figures.cached !== expectCached) throw new Error(`bench: unexpected outcome for ${sha}: ${JSON.stringify(figures)}`);
  return { totalMs: received - sent, reportedMs: figures.reportedMs, gatesMs: expectCached ? 0 : figures.gatesMs };
}

async function scenario(latencyMs: number, config: string): Promise<{ cached: Sample[]; fresh: Sample[] }> {
  const github = await startFakeGitHub();
  const proxy = await startLatencyProxy(github, latencyMs);
  const hub = await startHub();
  const triggerUrl = (repo: string) => `${hub.url}/api/build/v1/source/${repo}/trigger/token/call/`;
  const app = await startApp(proxy.host, { QG_POLL_MS: PRODUCTION_POLL_MS, HUB_CACHED: triggerUrl('cached'), HUB_FRESH: triggerUrl('fresh') });
  const ctx = { app, github, hub };
  try {
    for (const repo of ['cached', 'fresh']) github.setFile(OWNER, repo, 'main', '.github/quality-gates.yml', `${config}  dockerhub: { trigger_url_env: HUB_${repo.toUpperCase()} }\n`);
    // (a) The pull request's head passes once; every later push to main carries the same tree.
    const tree = hex(`tree-${String(latencyMs)}`, 0);
    github.addCommit(hex('head', latencyMs), FIXTURE, tree);
    await deliver(app.url, 'pull_request', pullRequestPayload({ owner: OWNER, repo: 'cached', number: 1, sha: hex('head', latencyMs), baseSha: hex('base', 0) }), WEBHOOK_SECRET);
    await completed(github, hex('head', latencyMs));
    const cached: Sample[] = [];
    for (let i = 0; i < N_CACHED; i++) {
      const sha = hex(`merge-${String(latencyMs)}`, i);
      github.addCommit(sha, FIXTURE, tree);
      cached.push(await pushOnce(ctx, 'cached', sha, true));
    }
    // (b) A fresh tree every time: the gates run.
    const fresh: Sample[] = [];
    for (let i = 0; i < N_FRESH; i++) {
      const sha = hex(`fresh-${String(latencyMs)}`, i);
      github.addCommit(sha, FIXTURE);
      fresh.push(await pushOnce(ctx, 'fresh', sha, false));
    }
    return { cached, fresh };
  } finally {
    await app.stop();
    hub.close();
    proxy.close();
    await github.close();
  }
}

const ms = (value: number) => String(Math.round(value));

/** Runs both scenarios at each latency and prints a Markdown table. */
export async function main(): Promise<void> {
  const fixtureConfig = await readFile(path.join(FIXTURE, '.github', 'quality-gates.yml'), 'utf8');
  const config = `${fixtureConfig.trimEnd()}\ndeploy:\n  environment: production\n`;
  const lines = [
    '| scenario | GitHub latency | n | p50 ms | p99 ms | max ms | app-reported p50 ms | gates p50 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const latency of LATENCIES_MS) {
    const { cached, fresh } = await scenario(latency, config);
    const row = (label: string, samples: Sample[], minusGates: boolean) => {
      const total = samples.map((s) => s.totalMs - (minusGates ? s.gatesMs : 0));
      const reported = samples.map((s) => s.reportedMs - (minusGates ? s.gatesMs : 0));
      const cells = [ms(percentile(total, 50)), ms(percentile(total, 99)), ms(Math.max(...total)), ms(percentile(reported, 50)), ms(percentile(samples.map((s) => s.gatesMs), 50))];
      return `| ${label} | ${String(latency)} ms | ${String(samples.length)} | ${cells.join(' | ')} |`;
    };
    lines.push(row('(a) push → trigger, tree already passed', cached, false));
    lines.push(row('(b) push → trigger, fresh tree, total', fresh, false));
    lines.push(row('(b) push → trigger, fresh tree, minus the gates', fresh, true));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
