/**
 * How a history record travels from a worker on another machine to the web process, whose SQLite
 * file holds the history (`QG_REDIS_URL`). The record (up to a megabyte of sources) is parked in Redis
 * under the job's id, and only its key rides on the job's completion (BullMQ's returnvalue): BullMQ
 * keeps a completed job's returnvalue for a week and copies it into its event stream, which would hold
 * thousands of megabyte-sized records. The web process takes the record when the `completed` event
 * arrives; one it missed (it was down) expires after {@link RELAY_TTL_SECONDS}.
 * @module
 */
import type { Redis } from 'ioredis';
import type { HistoryRun } from './history.js';

/** How long a parked record waits for the web process. */
export const RELAY_TTL_SECONDS = 24 * 3600;

/** What a job's result carries when its record is parked. */
export interface RelayTicket {
  /** Redis key of the parked record. */
  historyKey: string;
}

/** Parks records (workers) and takes them back (web process). */
export interface HistoryRelay {
  /** Parks the record; resolves with the ticket the job returns. */
  send(run: HistoryRun): Promise<RelayTicket>;
  /** The record a job's result points to, removed from Redis; undefined for any other result. */
  take(result: unknown): Promise<HistoryRun | undefined>;
}

function isTicket(value: unknown): value is RelayTicket {
  return typeof value === 'object' && value !== null && typeof (value as { historyKey?: unknown }).historyKey === 'string';
}

/**
 * The relay on Redis.
 * @param client The app's connection.
 * @param prefix Key prefix (`QG_REDIS_PREFIX`).
 */
export function redisHistoryRelay(client: Redis, prefix: string): HistoryRelay {
  const keyOf = (jobId: string) => `${prefix}:qg:history:${jobId}`;
  return {
    async send(run) {
      const historyKey = keyOf(run.jobId);
      await client.set(historyKey, JSON.stringify(run), 'EX', RELAY_TTL_SECONDS);
      return { historyKey };
    },
    async take(result) {
      // Only keys of our own shape: a returnvalue is data from Redis, not an instruction.
      if (!isTicket(result) || !result.historyKey.startsWith(`${prefix}:qg:history:`)) return undefined;
      const replies = await client.multi().get(result.historyKey).del(result.historyKey).exec();
      const text = replies?.[0]?.[1];
      return typeof text === 'string' ? (JSON.parse(text) as HistoryRun) : undefined;
    },
  };
}
