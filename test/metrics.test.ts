import { describe, expect, it } from '@jest/globals';
import { createMetrics } from '../src/metrics.js';
import type { JobState } from '../src/queue/job.js';

const COUNTS: Record<JobState, number> = { queued: 4, running: 2, done: 10, failed: 1, cancelled: 3 };

describe('metrics', () => {
  it('reports queue depth and jobs by state from the queue at scrape time', async () => {
    let reads = 0;
    const metrics = createMetrics({
      queue: {
        counts: () => {
          reads += 1;
          return Promise.resolve(COUNTS);
        },
      },
      defaultMetrics: false,
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain('quality_gates_queue_depth 4');
    expect(text).toContain('quality_gates_jobs{state="running"} 2');
    expect(text).toContain('quality_gates_jobs{state="cancelled"} 3');
    expect(text).toContain('quality_gates_store_up 1');
    expect(reads).toBe(1);
  });

  it('reports the store down when it does not answer', async () => {
    const metrics = createMetrics({ queue: { counts: () => Promise.reject(new Error('gone')) }, defaultMetrics: false });
    expect(await metrics.registry.metrics()).toContain('quality_gates_store_up 0');
  });

  it('records gate durations, outcomes, acks and deploy triggers', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.recordGate('lint', 'success', 1.5);
    metrics.recordOutcome('retried');
    metrics.recordOutcome('retried');
    metrics.webhookAck.observe({ event: 'pull_request', status: '202' }, 0.004);
    metrics.enqueueDuration.observe({ backend: 'sqlite' }, 0.0003);
    metrics.deployTriggers.inc({ target: 'dockerhub', outcome: 'success' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('quality_gates_gate_duration_seconds_bucket{le="2",gate="lint",conclusion="success"} 1');
    expect(text).toContain('quality_gates_job_outcomes_total{outcome="retried"} 2');
    expect(text).toContain('quality_gates_webhook_ack_seconds_count{event="pull_request",status="202"} 1');
    expect(text).toContain('quality_gates_deploy_triggers_total{target="dockerhub",outcome="success"} 1');
    expect(text).toContain('quality_gates_enqueue_seconds_count{backend="sqlite"} 1');
  });

  it('keeps each registry separate and includes process metrics by default', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.recordOutcome('done');
    expect(await b.registry.metrics()).not.toContain('quality_gates_job_outcomes_total{outcome="done"} 1');
    expect(await a.registry.metrics()).toContain('quality_gates_process_resident_memory_bytes');
  });
});
