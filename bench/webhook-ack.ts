/**
 * Webhook acknowledgement: how long GitHub waits for our answer when every delivery is stored
 * durably first, against a Probot app whose handler does nothing, in the same run on loopback.
 * Steady 200 deliveries/s for 5 s and a burst of 500 at once, with the SQLite store and with Redis
 * (BullMQ), plus the RSS of each server process idle and at the burst's peak. On a small shared
 * machine one run of a phase swings by ±30 %, so each phase runs {@link ROUNDS} times, the servers
 * taking turns in a rotating order, and the table gives the median of the rounds. The app runs as
 * `npm start` runs it (compiled: the benchmark builds `dist/` first if it is not current; a separate process, workers off: `QG_WORKERS=0`, so only the web path is
 * measured; it still creates the three `queued` check runs of each job on a fake GitHub in a third
 * process). Deliveries are signed `pull_request.opened` example payloads (~23 KB), each its own pull
 * request and delivery id, each on a new connection.
 * Run: `node --import ./bin/register.js bench/webhook-ack.ts`.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_ROOT } from '../src/paths.js';
import { startApp, throwawayKey, WEBHOOK_SECRET, type AppProcess } from '../test/support/app-process.js';
import { pullRequestPayload, sign } from '../test/support/webhooks.js';
import { benchRedis, dropPrefix } from '../test/support/redis.js';
import { ensureBuilt } from './build.js';
import { percentile } from './stats.js';

/** Steady load: deliveries per second (issue 4 §6) … */
export const STEADY_RATE = 200;
/** … for this long. */
export const STEADY_SECONDS = 5;
/** Deliveries sent at once (issue 4 §6). */
export const BURST_SIZE = 500;
/** Deliveries sent to each server before measuring, so JIT and connection set-up are out of the figures. */
export const WARMUP = 100;
/** Pause after each phase, so the check runs created after the answers do not spill into the next one. */
export const SETTLE_MS = 3_000;
/** Rounds of each phase (`BENCH_ROUNDS`, default 3); the table reports their medians. */
export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/** Nice value of the fake GitHub process (see `main`). */
export const FAKE_GITHUB_NICE = 10;
/** Which stores to measure (`BENCH_STORES`, comma-separated; default both). */
export const STORES = (process.env.BENCH_STORES ?? 'sqlite,redis').split(',').map((s) => s.trim());
/** How often RSS is sampled during a burst. */
const RSS_SAMPLE_MS = 10;

/** One server under load. */
export interface Target {
  name: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Latencies of one phase on one server (ms). */
export interface AckRow {
  target: string;
  phase: string;
  sent: number;
  ok: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU the server used per delivery, including the work it does after answering (ms). */
  cpuPerDelivery: number;
  /** p99 of each round, when this row is the median of several. */
  roundsP99?: number[];
}

/** Memory of one server process (MB). */
export interface RssRow {
  target: string;
  idleMb: number;
  burstPeakMb: number;
  hwmMb: number;
}

/** Everything measured. */
export interface AckBenchResult {
  ack: AckRow[];
  rss: RssRow[];
}

/** VmRSS and VmHWM of a process, in MB (Linux). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/** CPU time (user + system) a process has used so far, in ms (Linux clock ticks are 10 ms). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5) (utime, stime), counted from `state` (field 3) at index 0.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A signed delivery, ready to send. */
export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** `count` signed `pull_request.opened` deliveries, each its own pull request, head sha and delivery id. */
export function deliveries(count: number, tag: string): Delivery[] {
  return Array.from({ length: count }, (_, i) => {
    const sha = Buffer.from(`${tag}-${String(i)}`.padEnd(20, '.')).toString('hex').slice(0, 40);
    const payload = pullRequestPayload({ owner: 'octo-org', repo: `bench-${tag}`, number: i + 1, sha, baseSha: 'b'.repeat(40) });
    const body = JSON.stringify(payload);
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'x-github-event': 'pull_request',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': sign(body, WEBHOOK_SECRET),
      },
    };
  });
}

/** Sends one delivery on a new connection; resolves with the status and the time to the end of the answer. */
export function send(port: number, delivery: Delivery): Promise<{ status: number; ms: number }> {
  const start = performance.now();
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/github/webhooks', headers: delivery.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - start }));
    req.end(delivery.body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The median of each figure over the rounds of one phase on one server. */
export function medianRow(rounds: AckRow[]): AckRow {
  const median = (pick: (r: AckRow) => number) => {
    const sorted = rounds.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
  };
  const [first] = rounds;
  if (first === undefined) throw new Error('no rounds to summarise');
  return {
    target: first.target,
    phase: first.phase,
    sent: rounds.reduce((n, r) => n + r.sent, 0),
    ok: rounds.reduce((n, r) => n + r.ok, 0),
    p50: median((r) => r.p50),
    p99: median((r) => r.p99),
    max: median((r) => r.max),
    cpuPerDelivery: median((r) => r.cpuPerDelivery),
    roundsP99: rounds.map((r) => r.p99),
  };
}

function row(target: string, phase: string, results: { status: number; ms: number }[]): AckRow {
  const ok = results.filter((r) => r.status === 200).map((r) => r.ms);
  return { target, phase, sent: results.length, ok: ok.length, p50: percentile(ok, 50), p99: percentile(ok, 99), max: Math.max(...ok), cpuPerDelivery: Number.NaN };
}

/** Runs a phase and charges the server's CPU until {@link SETTLE_MS} after it to its deliveries. */
async function withCpu(target: Target, phase: () => Promise<AckRow>): Promise<AckRow> {
  const before = cpuMsOf(target.pid);
  const measured = await phase();
  await sleep(SETTLE_MS);
  return { ...measured, cpuPerDelivery: (cpuMsOf(target.pid) - before) / measured.sent };
}

/** Sends {@link STEADY_RATE} deliveries a second for {@link STEADY_SECONDS} s to `target`. */
export async function steady(target: Target, round = 0): Promise<AckRow> {
  const batch = deliveries(STEADY_RATE * STEADY_SECONDS, `steady-${target.name}-${String(round)}`);
  const interval = 1000 / STEADY_RATE;
  const start = performance.now();
  const pending: Promise<{ status: number; ms: number }>[] = [];
  for (const [i, delivery] of batch.entries()) {
    const wait = start + i * interval - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(send(target.port, delivery));
  }
  return row(target.name, `steady ${String(STEADY_RATE)}/s × ${String(STEADY_SECONDS)} s`, await Promise.all(pending));
}

/** Sends {@link BURST_SIZE} deliveries at once to `target`, sampling its RSS meanwhile. */
export async function burst(target: Target, round = 0): Promise<{ row: AckRow; peakMb: number }> {
  const batch = deliveries(BURST_SIZE, `burst-${target.name}-${String(round)}`);
  let peakMb = memoryOf(target.pid).rss;
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, memoryOf(target.pid).rss)), RSS_SAMPLE_MS);
  try {
    const results = await Promise.all(batch.map((delivery) => send(target.port, delivery)));
    return { row: row(target.name, `burst of ${String(BURST_SIZE)}`, results), peakMb };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * Starts `role` in another process and waits for the port it prints: the fake GitHub (this file,
 * TypeScript), or the baseline (`probot-noop.js`, plain JavaScript like the app's compiled build).
 */
export async function spawnRole(role: 'fake-github' | 'baseline', env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number }> {
  const args = role === 'baseline'
    ? [path.join(APP_ROOT, 'bench', 'probot-noop.js'), 'middleware']
    : ['--import', path.join(APP_ROOT, 'bin', 'register.js'), path.join(APP_ROOT, 'bench', 'webhook-ack.ts'), role];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^READY (\d+)$/m.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${role} exited with ${String(code)}: ${out}`)));
  });
  child.stdout?.resume();
  return { child, port };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Role `fake-github`: the fake REST API, out of the load generator's event loop. */
async function runFakeGitHub(): Promise<void> {
  const { startFakeGitHub } = await import('../test/support/fake-github.js');
  const fake = await startFakeGitHub();
  process.stdout.write(`READY ${String(fake.port)}\n`);
  process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));
}

/** A started app as a {@link Target}. */
export function appTarget(name: string, app: AppProcess): Target {
  return { name, port: app.port, pid: app.child.pid ?? 0, stop: () => app.stop() };
}

async function storedJobs(target: Target): Promise<number | undefined> {
  const response = await fetch(`http://127.0.0.1:${String(target.port)}/healthz`).catch(() => undefined);
  if (!response?.ok) return undefined;
  const body = (await response.json()) as { jobs?: Record<string, number> };
  return Object.values(body.jobs ?? {}).reduce((a, b) => a + b, 0);
}

/** Formats the results as Markdown tables. */
export function formatTables(result: AckBenchResult): string {
  const f = (n: number) => n.toFixed(1);
  const baseline = (phase: string) => result.ack.find((r) => r.target === 'Probot no-op' && r.phase === phase);
  const lines = ['| server | load | answered 200 | ack p50 ms | ack p99 ms | max ms | p99 vs baseline | CPU ms per delivery | p99 of each round |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |'];
  for (const r of result.ack) {
    const base = baseline(r.phase);
    const ratio = base && r.target !== base.target ? `${(r.p99 / base.p99).toFixed(2)}×` : '—';
    const rounds = (r.roundsP99 ?? [r.p99]).map((p) => p.toFixed(0)).join(' · ');
    lines.push(`| ${r.target} | ${r.phase} | ${String(r.ok)}/${String(r.sent)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${ratio} | ${f(r.cpuPerDelivery)} | ${rounds} |`);
  }
  lines.push('', '| server | RSS idle MB | RSS peak during burst MB | VmHWM after all phases MB |', '| --- | ---: | ---: | ---: |');
  for (const r of result.rss) lines.push(`| ${r.target} | ${f(r.idleMb)} | ${f(r.burstPeakMb)} | ${f(r.hwmMb)} |`);
  return lines.join('\n');
}

/** Starts the fake GitHub, the baseline and both apps; measures each; prints the tables. */
export async function main(): Promise<AckBenchResult> {
  const runtime = ensureBuilt();
  const key = throwawayKey();
  const fake = await spawnRole('fake-github');
  // The fake stands in for GitHub, whose work is not on the app's machine in production: it yields
  // the CPU to the servers measured rather than being charged to their answers.
  if (fake.child.pid !== undefined) os.setPriority(fake.child.pid, FAKE_GITHUB_NICE);
  const host = `127.0.0.1:${String(fake.port)}`;
  const prefix = `qg-bench-ack-${randomUUID().slice(0, 8)}`;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'qg-bench-ack-'));
  const targets: Target[] = [];
  const result: AckBenchResult = { ack: [], rss: [] };
  const redis = STORES.includes('redis') ? await benchRedis() : undefined;
  try {
    const baseline = await spawnRole('baseline', { PRIVATE_KEY: key, WEBHOOK_SECRET });
    targets.push({ name: 'Probot no-op', port: baseline.port, pid: baseline.child.pid ?? 0, stop: () => stopChild(baseline.child) });
    const appEnv = { QG_WORKERS: '0', QG_REDELIVER: '0', LOG_LEVEL: 'info' };
    if (STORES.includes('sqlite')) targets.push(appTarget('quality-gates, SQLite', await startApp(host, { ...appEnv, DATA_DIR: path.join(dataDir, 'sqlite') }, key)));
    if (redis) targets.push(appTarget('quality-gates, Redis', await startApp(host, { ...appEnv, DATA_DIR: path.join(dataDir, 'redis'), QG_REDIS_URL: redis.url, QG_REDIS_PREFIX: prefix }, key)));
    await sleep(1_000);
    const idle = new Map(targets.map((t) => [t.name, memoryOf(t.pid).rss]));
    for (const target of targets) {
      await Promise.all(deliveries(WARMUP, `warm-${target.name}`).map((d) => send(target.port, d)));
      await sleep(SETTLE_MS);
    }
    // Each round rotates the order, so no server always runs first (or right after another's burst).
    const turns = (round: number) => targets.map((_, i) => targets[(i + round) % targets.length] as Target);
    const steadyRounds = new Map<string, AckRow[]>(targets.map((t) => [t.name, []]));
    const burstRounds = new Map<string, AckRow[]>(targets.map((t) => [t.name, []]));
    const peaks = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of turns(round)) steadyRounds.get(target.name)?.push(await withCpu(target, () => steady(target, round)));
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of turns(round)) {
        burstRounds.get(target.name)?.push(await withCpu(target, async () => {
          const measured = await burst(target, round);
          peaks.set(target.name, Math.max(peaks.get(target.name) ?? 0, measured.peakMb));
          return measured.row;
        }));
      }
    }
    for (const target of targets) result.ack.push(medianRow(steadyRounds.get(target.name) ?? []));
    for (const target of targets) result.ack.push(medianRow(burstRounds.get(target.name) ?? []));
    for (const target of targets) {
      result.rss.push({ target: target.name, idleMb: idle.get(target.name) ?? Number.NaN, burstPeakMb: peaks.get(target.name) ?? Number.NaN, hwmMb: memoryOf(target.pid).hwm });
      const stored = await storedJobs(target);
      if (stored !== undefined) process.stdout.write(`${target.name}: ${String(stored)} jobs stored (every delivery answered 200 must be one)\n`);
    }
  } finally {
    for (const target of targets) await target.stop();
    await stopChild(fake.child);
    await rm(dataDir, { recursive: true, force: true });
    if (redis) {
      await dropPrefix(prefix, redis.url).catch(() => undefined);
      await redis.stop();
    }
  }
  process.stdout.write(`\nWebhook acknowledgement (${String(os.availableParallelism())} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; app ${runtime}, workers off; median of ${String(ROUNDS)} rounds)\n\n${formatTables(result)}\n`);
  return result;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const role = process.argv[2];
  if (role === 'fake-github') await runFakeGitHub();
  else await main();
}
