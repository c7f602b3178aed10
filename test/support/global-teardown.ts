/** Jest global teardown: stops the redis-server the global setup started (none when QG_TEST_REDIS_URL was given). */
import type { GlobalWithRedis } from './redis-server.js';

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as GlobalWithRedis;
  const server = holder.qgTestRedis;
  if (server === undefined) return;
  delete holder.qgTestRedis;
  delete process.env.QG_TEST_REDIS_URL;
  delete process.env.QG_TEST_REDIS_PID;
  await server.stop();
}
