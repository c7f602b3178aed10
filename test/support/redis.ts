/**
 * The local Redis the distributed tests and the benches use, each run under its own key prefix.
 */
import { Redis } from 'ioredis';

/** Where Redis is expected (`.ci/run` starts one there when nothing answers). */
export const REDIS = 'redis://127.0.0.1:6379';

/** Deletes every key under a run's prefix (SCAN, so a large prefix does not block Redis). */
export async function dropPrefix(prefix: string, url = REDIS): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
