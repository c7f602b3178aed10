import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createJobHandler } from '../../src/pipeline/handler.js';
import { JobAbortedError } from '../../src/queue/abort.js';
import { RetryableJobError } from '../../src/queue/types.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { fixture } from '../e2e/helpers.js';
import { jobFor, pipelineDeps, stubGates } from './helpers.js';

const sha = (n: number) => String(n).padStart(40, 'b');

describe('createJobHandler', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(async () => {
    await github.close();
  });

  it('hands an infrastructure failure back for a retry before the last attempt, leaving the checks open', async () => {
    const job = jobFor(sha(1));
    github.addCommit(sha(1), fixture('js-pass'));
    github.failOnce('GET', /\/tarball\//, 502);
    const handler = createJobHandler({ depsFor: () => pipelineDeps(github, { runGates: stubGates().run }) });
    await expect(handler(job, { signal: new AbortController().signal, attempt: 1, maxAttempts: 3 })).rejects.toBeInstanceOf(RetryableJobError);
    expect(github.runsFor(sha(1)).map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
  });

  it('writes nothing to GitHub until the queue says the job would survive a power cut', async () => {
    const job = jobFor(sha(9));
    github.addCommit(sha(9), fixture('js-pass'));
    let durable: () => void = () => undefined;
    const handler = createJobHandler({
      depsFor: () => pipelineDeps(github, { runGates: stubGates().run }),
      whenDurable: () => new Promise<void>((resolve) => (durable = resolve)),
    });
    const running = handler(job, { signal: new AbortController().signal, attempt: 1, maxAttempts: 3 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(github.runsFor(sha(9))).toHaveLength(0);
    durable();
    await running;
    expect(github.runsFor(sha(9)).map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
  });

  it('completes every check as failed with the reason on the last attempt', async () => {
    const job = jobFor(sha(2));
    github.addCommit(sha(2), fixture('js-pass'));
    github.failOnce('GET', /\/tarball\//, 502);
    const handler = createJobHandler({ depsFor: () => pipelineDeps(github, { runGates: stubGates().run }) });
    await handler(job, { signal: new AbortController().signal, attempt: 3, maxAttempts: 3 });
    const runs = github.runsFor(sha(2));
    expect(runs.map((r) => r.conclusion)).toEqual(['failure', 'failure', 'failure']);
    expect(runs[0]?.output.summary).toContain('Could not download o/r@');
  });

  it('fails at once, without a retry, when GitHub refuses for good (404)', async () => {
    const job = jobFor(sha(3));
    const handler = createJobHandler({ depsFor: () => pipelineDeps(github, { runGates: stubGates().run }) });
    await handler(job, { signal: new AbortController().signal, attempt: 1, maxAttempts: 3 });
    expect(github.runsFor(sha(3)).map((r) => r.conclusion)).toEqual(['failure', 'failure', 'failure']);
  });

  it('completes the checks as cancelled when the job is superseded mid-run', async () => {
    github.addCommit(sha(4), fixture('js-pass'));
    const controller = new AbortController();
    const gates = stubGates();
    const handler = createJobHandler({
      depsFor: () =>
        pipelineDeps(github, {
          runGates: async (options) => {
            controller.abort(new JobAbortedError('cancelled'));
            return gates.run(options);
          },
        }),
    });
    await handler(jobFor(sha(4)), { signal: controller.signal, attempt: 1, maxAttempts: 3 });
    expect(github.runsFor(sha(4)).map((r) => r.conclusion)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('leaves the checks to the next worker when the job is given back on shutdown', async () => {
    github.addCommit(sha(5), fixture('js-pass'));
    const controller = new AbortController();
    controller.abort(new JobAbortedError('shutdown'));
    const handler = createJobHandler({ depsFor: () => pipelineDeps(github, { runGates: stubGates().run }) });
    await expect(handler(jobFor(sha(5)), { signal: controller.signal, attempt: 1, maxAttempts: 3 })).rejects.toThrow('cancelled');
    expect(github.runsFor(sha(5)).every((r) => r.status !== 'completed')).toBe(true);
  });

  it('asks for a retry when the job cannot even be prepared (authentication)', async () => {
    const handler = createJobHandler({ depsFor: () => Promise.reject(new Error('bad key')) });
    await expect(handler(jobFor(sha(6)), { signal: new AbortController().signal, attempt: 1, maxAttempts: 3 })).rejects.toThrow('bad key');
  });
});
