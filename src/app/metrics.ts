/**
 * `/metrics` in Prometheus' text format.
 * @module
 */
import { Gauge, Registry } from 'prom-client';
import type { Runtime } from './runtime.js';

/** The metrics text of this process. */
export async function metricsText(runtime: Pick<Runtime, 'queued'>): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const gauge = new Gauge({ name: 'quality_gates_jobs', help: 'Jobs in the store, by state.', labelNames: ['state'], registers: [registry] });
  const counts = await runtime.queued.queue.counts();
  for (const [state, count] of Object.entries(counts)) gauge.set({ state }, count);
  return { contentType: registry.contentType, body: await registry.metrics() };
}
