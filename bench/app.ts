/**
 * The app's webhook path under load: time to acknowledge a pull_request delivery, and time from sending
 * it until its three check runs exist as `queued` on (a fake) GitHub — at a steady 50 deliveries per
 * second and for a burst of 100 at once. In the same run, a Probot app whose handler does nothing
 * (started like `probot run`, `bench/probot-noop.js`; plain JavaScript, as the app runs its compiled build) gives the floor Probot itself sets. Everything is on loopback; the app
 * runs as `npm start` runs it, with `QG_WORKERS=0` so that no gate competes for the CPU. Each server
 * is measured {@link ROUNDS} times, taking turns; the table gives the median of the rounds' figures
 * (one run swings by ±30 % on a small shared machine). The fake GitHub runs in its own process at nice 10,
 * as in `bench/webhook-ack.ts`: it stands in for a remote service, and serving the app's check-run
 * requests on the sender's event loop would delay the sender's reading of the app's answers. The time
 * to `queued` is read after each phase from the check runs' `started_at`, so no polling competes with
 * the measurement.
 *
 * `node --import ./bin/register.js bench/app.ts` (or `npm run bench app`).
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_ROOT } from '../src/paths.js';
import { FAKE_GITHUB_NICE, spawnRole } from './webhook-ack.js';
import { ensureBuilt } from './build.js';
import { throwawayKey } from '../test/support/app-process.js';
import { pullRequestPayload } from '../test/support/webhooks.js';
import { percentile } from './stats.js';

const SECRET = 'bench-secret';
/** Steady load: deliveries per second, and for how long. */
const STEADY_RATE = 50;
const STEADY_SECONDS = 10;
/** Burst size. */
const BURST = 100;
/** Deliveries sent before measuring (JIT, token cache, SQLite pages). */
const WARMUP = 30;
/** Rounds per server (`BENCH_ROUNDS`, default 3). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/** A fake GitHub in its own process. */
interface GitHubProcess {
  /** `host:port`, for GHE_HOST. */
  host: string;
  child: ChildProcess;
}

/** How long to wait for the last check runs to appear. */
const QUEUED_TIMEOUT_MS = 30_000;

interface Sample {
  ackMs: number;
  queuedMs?: number;
}

/** One delivery sent: its head sha, when (wall clock, as the fake's `started_at`), and its ack time. */
interface Sent {
  sha: string;
  sentAtWall: number;
  ackMs: number;
}

async function waitForPort(child: ChildProcess, pattern: RegExp): Promise<number> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${String(code)}:\n${out}`)));
  });
}

function serverEnv(github: GitHubProcess, dataDir: string, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    APP_ID: '1',
    PRIVATE_KEY: throwawayKey(),
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: github.host,
    GHE_PROTOCOL: 'http',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    QG_WORKERS: '0',
    QG_REDELIVER: '0',
    NODE_ENV: 'production',
  };
}

async function startOurs(github: GitHubProcess, dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(APP_ROOT, 'bin', 'quality-gates.js'), 'serve'], { env: serverEnv(github, dataDir, 0), stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await waitForPort(child, /"port":(\d+)[^\n]*quality-gates listening/);
  return { url: `http://127.0.0.1:${String(port)}`, child };
}

async function startBaseline(github: GitHubProcess, dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, [path.join(APP_ROOT, 'bench', 'probot-noop.js'), 'run'], {
    env: serverEnv(github, dataDir, port),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForPort(child, /Listening on http:\/\/[^:]+:(\d+)/);
  return { url: `http://127.0.0.1:${String(port)}`, child };
}

/** Sends one signed pull_request delivery for a fresh head sha; resolves with the ack time and the send time. */
async function send(url: string, number: number): Promise<Sent> {
  const sha = createHmac('sha1', 'bench').update(`${String(number)}-${randomUUID()}`).digest('hex');
  const payload = pullRequestPayload({ owner: 'bench', repo: 'app', number, sha, baseSha: '0'.repeat(40) });
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const sentAtWall = Date.now();
  const sentAt = performance.now();
  const response = await fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`delivery answered ${String(response.status)}`);
  return { sha, sentAtWall, ackMs: performance.now() - sentAt };
}

/** Time from sending to the third check run's creation (its `started_at` on the fake), read once the phase is over. */
async function queuedAfter(github: GitHubProcess, sent: Sent): Promise<number | undefined> {
  const deadline = Date.now() + QUEUED_TIMEOUT_MS;
  for (;;) {
    const response = await fetch(`http://${github.host}/api/v3/repos/bench/app/commits/${sent.sha}/check-runs`, { headers: { authorization: 'token bench' } });
    const { check_runs: runs } = (await response.json()) as { check_runs: { started_at: string }[] };
    if (runs.length >= 3) return Math.max(...runs.map((r) => Date.parse(r.started_at))) - sent.sentAtWall;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The phase's samples: ack times, and — for the app, after the phase — the time to `queued`. */
async function samples(sent: Sent[], github: GitHubProcess | undefined): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const one of sent) {
    const queuedMs = github ? await queuedAfter(github, one) : undefined;
    out.push({ ackMs: one.ackMs, ...(queuedMs !== undefined ? { queuedMs } : {}) });
  }
  return out;
}

let counter = 1;

async function steady(url: string, github: GitHubProcess | undefined): Promise<Sample[]> {
  const interval = 1000 / STEADY_RATE;
  const total = STEADY_RATE * STEADY_SECONDS;
  const start = performance.now();
  const pending: Promise<Sent>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send(url, counter++));
  }
  return samples(await Promise.all(pending), github);
}

async function burst(url: string, github: GitHubProcess | undefined): Promise<Sample[]> {
  return samples(await Promise.all(Array.from({ length: BURST }, () => send(url, counter++))), github);
}

/** One table row: each percentile is the median over the rounds of that round's percentile. */
function row(name: string, rounds: Sample[][]): string {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;
  const per = (pick: (samples: Sample[]) => number) => median(rounds.map(pick));
  const acks = (samples: Sample[]) => samples.map((s) => s.ackMs);
  const queued = (samples: Sample[]) => samples.flatMap((s) => (s.queuedMs === undefined ? [] : [s.queuedMs]));
  const fmt = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(1));
  const ackP99s = rounds.map((samples) => percentile(acks(samples), 99).toFixed(0)).join(' · ');
  return `| ${name} | ${String(rounds.reduce((n, samples) => n + samples.length, 0))} | ${fmt(per((x) => percentile(acks(x), 50)))} | ${fmt(per((x) => percentile(acks(x), 99)))} | ${fmt(per((x) => percentile(queued(x), 50)))} | ${fmt(per((x) => percentile(queued(x), 99)))} | ${ackP99s} |`;
}

async function measure(start: (github: GitHubProcess, dataDir: string) => Promise<{ url: string; child: ChildProcess }>, withChecks: boolean) {
  const fake = await spawnRole('fake-github');
  if (fake.child.pid !== undefined) os.setPriority(fake.child.pid, FAKE_GITHUB_NICE);
  const github: GitHubProcess = { host: `127.0.0.1:${String(fake.port)}`, child: fake.child };
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'qg-bench-app-'));
  const server = await start(github, dataDir);
  try {
    await Promise.all(Array.from({ length: WARMUP }, () => send(server.url, counter++)));
    const steadySamples = await steady(server.url, withChecks ? github : undefined);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const burstSamples = await burst(server.url, withChecks ? github : undefined);
    return { steadySamples, burstSamples };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    github.child.kill('SIGTERM');
    await new Promise((resolve) => github.child.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Runs the benchmark and prints its table. */
export async function main(): Promise<void> {
  const runtime = ensureBuilt();
  const baseline: { steadySamples: Sample[][]; burstSamples: Sample[][] } = { steadySamples: [], burstSamples: [] };
  const ours: typeof baseline = { steadySamples: [], burstSamples: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating which goes first, so neither always runs on a machine still busy with the other.
    const order = round % 2 === 0 ? (['baseline', 'ours'] as const) : (['ours', 'baseline'] as const);
    for (const which of order) {
      const measured = which === 'baseline' ? await measure(startBaseline, false) : await measure(startOurs, true);
      const into = which === 'baseline' ? baseline : ours;
      into.steadySamples.push(measured.steadySamples);
      into.burstSamples.push(measured.burstSamples);
    }
  }
  const lines = [
    `Median of ${String(ROUNDS)} rounds. Webhook path, pull_request deliveries (${String(Math.round(JSON.stringify(pullRequestPayload({ owner: 'bench', repo: 'app', number: 1, sha: '1'.repeat(40), baseSha: '0'.repeat(40) })).length / 1024))} KB), loopback, ${String(os.availableParallelism())} cores, app ${runtime}. Times in ms.`,
    '',
    '| scenario | deliveries | ack p50 | ack p99 | 3 checks queued p50 | 3 checks queued p99 | ack p99 of each round |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    row(`baseline Probot (no-op handler), steady ${String(STEADY_RATE)}/s`, baseline.steadySamples),
    row(`quality-gates, steady ${String(STEADY_RATE)}/s`, ours.steadySamples),
    row(`baseline Probot (no-op handler), burst ${String(BURST)}`, baseline.burstSamples),
    row(`quality-gates, burst ${String(BURST)}`, ours.burstSamples),
    '',
    `Targets: ack p99 ≤ 1.2 × baseline in both cases; 3 checks queued p99 ≤ 500 ms at ${String(STEADY_RATE)}/s.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}
