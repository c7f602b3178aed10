// A worker process for the crash tests: it takes jobs from the store the environment points at
// (DATA_DIR or QG_REDIS_URL) and prints one JSON line per event. CHILD_MODE=hang never finishes a
// job (the parent kills it with SIGKILL mid-job); CHILD_MODE=work finishes each after a moment;
// CHILD_MODE=noop finishes at once and prints nothing per job (throughput benchmark).
import { setTimeout as sleep } from 'node:timers/promises';
import { createQueue } from '../../../src/queue/index.js';

const mode = process.env.CHILD_MODE ?? 'hang';
const { queue } = await createQueue({ env: process.env, workerId: process.env.QG_WORKER_ID ?? `child-${String(process.pid)}` });
const say = (event: object) => process.stdout.write(`${JSON.stringify({ pid: process.pid, ...event })}\n`);

queue.process(
  async (job, { signal, attempt }) => {
    if (mode === 'noop') return;
    say({ event: 'started', jobId: job.id, attempt });
    if (mode === 'hang') await new Promise((resolve) => signal.addEventListener('abort', resolve));
    else await sleep(100);
    say({ event: 'done', jobId: job.id, attempt });
  },
  { concurrency: Number(process.env.QG_CONCURRENCY ?? 1) },
);
say({ event: 'ready' });
