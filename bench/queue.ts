/**
 * Job store costs, SQLite vs Redis: enqueue latency one at a time and in a burst (what the store adds
 * to a webhook's answer), enqueue → handler start, no-op job throughput with 1 and 2 worker
 * processes, and this process's RSS. Redis: the one QG_TEST_REDIS_URL names, or a throwaway redis-server
 * (the Redis row is skipped when neither can be had).
 * Run: `node --import ./bin/register.js bench/queue.ts [jobs]`.
 * @module
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchRedis, dropPrefix } from '../test/support/redis.js';
import { createQueue, type QueueAndStores } from '../src/queue/index.js';
import type { Job } from '../src/queue/job.js';
import { killHard, spawnWorker, waitFor } from '../test/queue/support/helpers.js';
import { percentile } from './stats.js';

/** Jobs per measurement. */
export const DEFAULT_JOBS = 500;

/** One backend's figures (ms, jobs/s, MB). */
export interface QueueBenchRow {
  backend: string;
  enqueueP50: number;
  enqueueP99: number;
  burstP50: number;
  burstP99: number;
  startP50: number;
  startP99: number;
  throughput1: number;
  throughput2: number;
}

const msSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

function job(): Job {
  return {
    id: randomUUID(),
    deliveryId: randomUUID(),
    trigger: 'pull_request',
    installationId: 1,
    owner: 'octo',
    repo: 'bench',
    defaultBranch: 'main',
    sha: 'a'.repeat(40),
    gates: ['lint', 'coverage', 'docs'],
    checkRunIds: {},
    receivedAt: Date.now(),
  };
}

async function enqueueOne(queue: QueueAndStores['queue']): Promise<number> {
  const j = job();
  const start = process.hrtime.bigint();
  await queue.enqueue(j, { dedupKey: j.deliveryId });
  return msSince(start);
}

async function throughput(env: Record<string, string>, workers: number, jobs: number): Promise<number> {
  const opened = await createQueue({ env });
  const children = Array.from({ length: workers }, () => spawnWorker({ ...env, CHILD_MODE: 'noop', QG_POLL_MS: '20' }));
  try {
    await waitFor(() => children.every((c) => c.events.some((e) => e.event === 'ready')), 'workers', 30_000);
    const before = (await opened.queue.counts()).done;
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: jobs }, () => enqueueOne(opened.queue)));
    await waitFor(async () => (await opened.queue.counts()).done - before >= jobs, 'jobs done', 120_000);
    return jobs / (msSince(start) / 1000);
  } finally {
    for (const child of children) await killHard(child);
    await opened.close();
  }
}

/** Measures one backend; `env` chooses it. */
export async function measureBackend(backend: string, env: Record<string, string>, jobs: number): Promise<QueueBenchRow> {
  const opened = await createQueue({ env });
  const { queue } = opened;
  const sequential: number[] = [];
  const starts: number[] = [];
  let burst: number[];
  try {
    for (let i = 0; i < 20; i++) await enqueueOne(queue); // warm up
    for (let i = 0; i < jobs; i++) sequential.push(await enqueueOne(queue));
    burst = await Promise.all(Array.from({ length: jobs }, () => enqueueOne(queue)));

    // Drain what the enqueue runs stored, then time single jobs from enqueue to handler start.
    let startedAt: bigint | undefined;
    let drained = false;
    const workers = queue.process(() => {
      startedAt ??= process.hrtime.bigint();
      return Promise.resolve();
    }, { concurrency: 1 });
    await waitFor(async () => (await queue.counts()).queued === 0, 'drain', 120_000);
    drained = true;
    for (let i = 0; i < Math.min(jobs, 200) && drained; i++) {
      startedAt = undefined;
      const start = process.hrtime.bigint();
      const j = job();
      await queue.enqueue(j, { dedupKey: j.deliveryId });
      await waitFor(() => startedAt !== undefined, 'start');
      starts.push(Number((startedAt ?? start) - start) / 1e6);
    }
    await workers.close();
  } finally {
    await opened.close();
  }
  return {
    backend,
    enqueueP50: percentile(sequential, 50),
    enqueueP99: percentile(sequential, 99),
    burstP50: percentile(burst, 50),
    burstP99: percentile(burst, 99),
    startP50: percentile(starts, 50),
    startP99: percentile(starts, 99),
    throughput1: await throughput(env, 1, jobs),
    throughput2: await throughput(env, 2, jobs),
  };
}

/** Formats the rows as a Markdown table. */
export function formatTable(rows: QueueBenchRow[], jobs: number): string {
  const f = (n: number) => n.toFixed(2);
  const lines = [
    `| store (n=${String(jobs)}) | enqueue p50 / p99 ms | burst of ${String(jobs)}: enqueue p50 / p99 ms | enqueue → start p50 / p99 ms | no-op jobs/s, 1 worker | 2 workers |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.backend} | ${f(r.enqueueP50)} / ${f(r.enqueueP99)} | ${f(r.burstP50)} / ${f(r.burstP99)} | ${f(r.startP50)} / ${f(r.startP99)} | ${r.throughput1.toFixed(0)} | ${r.throughput2.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}

/** Measures SQLite and (when it answers) Redis, and prints the table. */
export async function main(jobs = Number(process.argv[2] ?? DEFAULT_JOBS)): Promise<QueueBenchRow[]> {
  const rssIdle = process.memoryUsage().rss;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qg-bench-queue-'));
  const rows: QueueBenchRow[] = [];
  try {
    rows.push(await measureBackend('SQLite (enqueue fsynced)', { DATA_DIR: path.join(dataDir, 'sqlite'), QG_POLL_MS: '20' }, jobs));
    const redis = await benchRedis().catch((error: unknown) => {
      process.stdout.write(`no Redis (${error instanceof Error ? error.message : String(error)}): its row is skipped\n`);
      return undefined;
    });
    if (redis) {
      const prefix = `qg-bench-${randomUUID()}`;
      try {
        rows.push(await measureBackend('Redis (BullMQ)', { QG_REDIS_URL: redis.url, QG_REDIS_PREFIX: prefix, DATA_DIR: path.join(dataDir, 'redis') }, jobs));
      } finally {
        await dropPrefix(prefix, redis.url);
        await redis.stop();
      }
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  process.stdout.write(`Job store (${os.availableParallelism()} cores)\n\n${formatTable(rows, jobs)}\n\n`);
  process.stdout.write(`RSS of this process: ${mb(rssIdle)} MB at start, ${mb(process.memoryUsage().rss)} MB after the runs\n`);
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
