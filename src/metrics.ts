/**
 * Prometheus metrics for `/metrics`, on a registry of their own (not prom-client's global one), so
 * two apps in one process (tests) never share or double-register metrics.
 * @module
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GateName } from './gates/types.js';
import type { JobState } from './queue/job.js';
import type { JobOutcome } from './queue/types.js';

/** Prefix of every metric name. */
export const METRIC_PREFIX = 'quality_gates_';

/** Gate run time buckets (seconds): a lint of a small repo takes a second, a big test suite minutes. */
export const GATE_DURATION_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];

/** Webhook answer buckets (seconds): GitHub gives up after 10 s; a healthy ack takes milliseconds. */
export const WEBHOOK_ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Enqueue buckets (seconds): an fsync or a Redis round trip, so well under a millisecond to a few. */
export const ENQUEUE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2];

/** Where the job counts come from. */
export interface JobCountsSource {
  /** Jobs by state. */
  counts(): Promise<Record<JobState, number>>;
}

/** The registry and the handles the app, the workers and the deploy step record into. */
export interface Metrics {
  /** Serve `registry.metrics()` with `registry.contentType`. */
  registry: Registry;
  /** Seconds one gate took, by gate and conclusion. */
  gateDuration: Histogram<'gate' | 'conclusion'>;
  /** Seconds from webhook received to answered, by event and HTTP status. */
  webhookAck: Histogram<'event' | 'status'>;
  /** Seconds an enqueue took (the store's share of the ack). */
  enqueueDuration: Histogram<'backend'>;
  /** Runs of the job handler by how they ended. */
  jobOutcomes: Counter<'outcome'>;
  /** Deploy triggers by target and result. */
  deployTriggers: Counter<'target' | 'outcome'>;
  /** Convenience: records one job outcome (pass as `onOutcome` to `queue.process`). */
  recordOutcome(outcome: JobOutcome): void;
  /** Convenience: records one gate's duration. */
  recordGate(gate: GateName, conclusion: string, seconds: number): void;
}

/**
 * Creates the metrics. Queue depth and jobs by state are read from `queue` at each scrape; when the
 * store does not answer they keep their last values and `store_up` drops to 0.
 * @param options `queue` for the gauges; `defaultMetrics: false` leaves out process metrics (CPU, memory, event loop).
 */
export function createMetrics(options: { queue?: JobCountsSource; defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  const { queue } = options;
  if (queue !== undefined) {
    // The three gauges are collected concurrently at each scrape: they share one read of the store.
    let inflight: Promise<Record<JobState, number> | undefined> | undefined;
    const read = () =>
      (inflight ??= queue
        .counts()
        .catch(() => undefined)
        .finally(() => {
          inflight = undefined;
        }));
    new Gauge({
      name: `${METRIC_PREFIX}queue_depth`,
      help: 'Jobs waiting to run.',
      registers,
      async collect() {
        const counts = await read();
        if (counts !== undefined) this.set(counts.queued);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}jobs`,
      help: 'Stored jobs by state.',
      labelNames: ['state'] as const,
      registers,
      async collect() {
        const counts = await read();
        for (const [state, n] of Object.entries(counts ?? {})) this.set({ state }, n);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}store_up`,
      help: '1 when the job store answered the last scrape.',
      registers,
      async collect() {
        this.set((await read()) === undefined ? 0 : 1);
      },
    });
  }

  const gateDuration = new Histogram({
    name: `${METRIC_PREFIX}gate_duration_seconds`,
    help: 'Time one gate took, from start to result.',
    labelNames: ['gate', 'conclusion'] as const,
    buckets: GATE_DURATION_BUCKETS,
    registers,
  });
  const jobOutcomes = new Counter({
    name: `${METRIC_PREFIX}job_outcomes_total`,
    help: 'Runs of the job handler by how they ended (done, retried, failed, cancelled, released).',
    labelNames: ['outcome'] as const,
    registers,
  });
  return {
    registry,
    gateDuration,
    webhookAck: new Histogram({
      name: `${METRIC_PREFIX}webhook_ack_seconds`,
      help: 'Time from webhook received to answered, by event (other: not one the app handles) and HTTP status.',
      labelNames: ['event', 'status'] as const,
      buckets: WEBHOOK_ACK_BUCKETS,
      registers,
    }),
    enqueueDuration: new Histogram({
      name: `${METRIC_PREFIX}enqueue_seconds`,
      help: 'Time to store a job durably.',
      labelNames: ['backend'] as const,
      buckets: ENQUEUE_BUCKETS,
      registers,
    }),
    jobOutcomes,
    deployTriggers: new Counter({
      name: `${METRIC_PREFIX}deploy_triggers_total`,
      help: 'Deploy triggers sent, by target and result.',
      labelNames: ['target', 'outcome'] as const,
      registers,
    }),
    recordOutcome: (outcome) => jobOutcomes.inc({ outcome }),
    recordGate: (gate, conclusion, seconds) => gateDuration.observe({ gate, conclusion }, seconds),
  };
}
