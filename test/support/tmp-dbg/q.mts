import { createQueue } from '../../../src/queue/index.js';
const q = await createQueue({ env: { DATA_DIR: '/tmp/qgdbg/data' + Date.now(), QG_POLL_MS: '50' }, log: { info: console.log, warn: console.log, debug: console.log } as never });
q.queue.process(async (job) => { console.log('HANDLED', job.id); }, { concurrency: 1 });
const r = await q.queue.enqueue({ id: 'j1', deliveryId: 'd1', trigger: 'push', installationId: 1, owner: 'o', repo: 'r', defaultBranch: 'main', sha: 'a'.repeat(40), gates: ['lint'], checkRunIds: {}, receivedAt: Date.now() }, { dedupKey: 'k1', supersedeKey: 's' });
console.log(r.duplicate);
console.log(await q.queue.supersede('s', 'j1'));
await new Promise((r) => setTimeout(r, 1000));
console.log(await q.queue.counts());
await q.close();
