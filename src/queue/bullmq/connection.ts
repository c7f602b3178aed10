/**
 * Redis connections for the distributed queue. The webhook path must fail fast when Redis is away
 * (GitHub then records a failed delivery and we redeliver it later), while workers wait and reconnect.
 * @module
 */
import { Redis, type RedisOptions } from 'ioredis';

/**
 * How long connecting or one command may take before the caller gets an error. GitHub waits 10 s
 * for the webhook answer; 2 s leaves room for the rest of the request and for a slow but live Redis.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

/** Ceiling of the delay between reconnection attempts: Redis coming back is noticed within it. */
export const REDIS_RECONNECT_MAX_MS = 2_000;

const reconnect = (times: number) => Math.min(times * 100, REDIS_RECONNECT_MAX_MS);

/**
 * Options for connections whose callers must not wait: no offline queue (a command while
 * disconnected rejects at once), one try, and a timeout on connect and on each command.
 */
export const FAIL_FAST_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: REDIS_COMMAND_TIMEOUT_MS,
  commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
  retryStrategy: reconnect,
};

/** Options for BullMQ workers: BullMQ requires `maxRetriesPerRequest: null` on blocking connections. */
export const WORKER_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: null,
  connectTimeout: REDIS_COMMAND_TIMEOUT_MS,
  retryStrategy: reconnect,
};

/**
 * The URL with any password replaced, for messages and logs.
 * @param url A `redis://` URL.
 */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

// Duck-typed: errors from another realm (a test VM, a worker thread) fail `instanceof Error`.
function codeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return code;
    if (typeof message === 'string') return message;
  }
  return String(error);
}

/**
 * Connects and pings once, so a wrong or unreachable Redis stops the start with a clear message
 * instead of webhooks failing one by one.
 * @param url The `QG_REDIS_URL` value.
 * @param options Connection options (fail-fast by default).
 */
export async function connectRedis(url: string, options: RedisOptions = FAIL_FAST_OPTIONS): Promise<Redis> {
  const client = new Redis(url, { ...options, lazyConnect: true });
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    // The socket error (ECONNREFUSED) is more telling than connect()'s "Connection is closed".
    throw new Error(
      `cannot reach Redis at QG_REDIS_URL=${redactRedisUrl(url)}: ${codeOf(lastError ?? error)}. ` +
        'Start Redis or fix the URL, or unset QG_REDIS_URL to use the embedded SQLite store.',
      { cause: error },
    );
  }
}
