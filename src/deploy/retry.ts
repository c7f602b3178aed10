/**
 * One POST to a deploy target, retried the way a flaky receiver deserves: exponential backoff with
 * full jitter on network errors, timeouts, 5xx and 429 (honouring `Retry-After`); any other 4xx is
 * the receiver's final word and fails at once with its answer. Error messages name the host only.
 * @module
 */
import pRetry, { AbortError } from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../gates/types.js';
import { redact, redactUrl } from './redact.js';

/** Characters of a target's answer kept in messages (enough for an error, never a whole HTML page). */
export const MAX_ANSWER_CHARS = 500;

/** Backoff and timeout of {@link postWithRetry}. */
export interface RetryOptions {
  /** Limit of one attempt, headers and body included. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** Ceiling of the first backoff; the n-th retry waits a random time in `[0, base * 2^(n-1)]`. */
  baseDelayMs: number;
  /** Largest backoff ceiling. */
  maxDelayMs: number;
  /** Largest wait a `Retry-After` may impose; longer ones are cut to this. */
  maxRetryAfterMs: number;
}

/**
 * Defaults: 10 s per attempt, 4 retries from 500 ms to 8 s (about 15 s of backoff at worst), a
 * `Retry-After` capped at 30 s — a deploy should fail visibly within a minute, not hang a worker.
 */
export const DEFAULT_RETRY: RetryOptions = {
  timeoutMs: 10_000,
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

/** An accepted request. */
export interface PostResult {
  /** HTTP status (2xx or 3xx). */
  status: number;
  /** First {@link MAX_ANSWER_CHARS} characters of the answer. */
  body: string;
  /** Requests sent. */
  attempts: number;
  /** When the accepted request was sent (ms since epoch). */
  sentAt: number;
}

/** The target refused or never answered; the message is free of secrets. */
export class DeliveryError extends Error {
  /**
   * @param message What failed, naming the host only.
   * @param details The last HTTP status and answer (absent for network errors), and attempts made.
   */
  constructor(
    message: string,
    readonly details: { status?: number; answer?: string; attempts: number; retryAfterMs?: number },
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The wait before retry `n` (1-based): full jitter, or the capped `Retry-After` when the target sent one. */
export function backoffMs(n: number, options: RetryOptions, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxRetryAfterMs);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (n - 1));
  return Math.floor(random() * ceiling);
}

/** What {@link postWithRetry} sends. */
export interface PostInput {
  /** The target URL (a secret: never logged). */
  url: string;
  /** The request body. */
  body: string;
  /** Request headers. */
  headers: Record<string, string>;
  /** Other strings to keep out of messages (an HMAC secret). */
  secrets?: string[];
}

/** POSTs `input.body` to `input.url`, retrying transient failures; rejects with a {@link DeliveryError}. */
export async function postWithRetry(
  input: PostInput,
  options: Partial<RetryOptions> & { log: Logger; label: string; signal?: AbortSignal },
): Promise<PostResult> {
  const opts = retryOptions(options);
  const host = redactUrl(input.url);
  const clean = (text: string) => redact(text, [input.url, ...(input.secrets ?? [])]);
  if (!URL.canParse(input.url)) {
    throw new DeliveryError(`${options.label}: the configured URL is not a valid URL; check its value`, { attempts: 0 });
  }
  let last: DeliveryError | undefined;
  const attempt = async (n: number): Promise<PostResult> => {
    const sentAt = Date.now();
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    let status: number;
    let answer: string;
    let retryAfter: string | null;
    try {
      const response = await fetch(input.url, { method: 'POST', headers: input.headers, body: input.body, signal, redirect: 'manual' });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      answer = clean((await response.text()).slice(0, MAX_ANSWER_CHARS));
    } catch (error) {
      last = new DeliveryError(clean(`${options.label}: ${networkReason(error, timeout, opts.timeoutMs)} from ${host}`), { attempts: n });
      if (options.signal?.aborted) throw new AbortError(last);
      throw last;
    }
    if (status < 400) return { status, body: answer, attempts: n, sentAt };
    const details = { status, answer, attempts: n, retryAfterMs: parseRetryAfter(retryAfter) };
    last = new DeliveryError(`${options.label}: ${host} answered ${status}${answer ? `: ${answer}` : ''}`, details);
    if (status === 429 || status >= 500) throw last;
    throw new AbortError(last);
  };
  try {
    return await pRetry(attempt, {
      retries: opts.retries,
      // p-retry's own timer is zeroed: the wait happens in onFailedAttempt, where Retry-After is known.
      minTimeout: 0,
      maxTimeout: 0,
      factor: 1,
      randomize: false,
      onFailedAttempt: async (error) => {
        if (error.retriesLeft <= 0) return;
        const retryAfterMs = last?.details.retryAfterMs;
        const wait = backoffMs(error.attemptNumber, opts, retryAfterMs);
        options.log.warn(
          { target: options.label, host, attempt: error.attemptNumber, status: last?.details.status, waitMs: wait, retryAfter: retryAfterMs !== undefined },
          'deploy target failed, retrying',
        );
        await sleep(wait, undefined, options.signal ? { signal: options.signal } : undefined);
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    throw last ?? new DeliveryError(`${options.label}: request to ${host} was cancelled`, { attempts: 0 });
  }
}

function networkReason(error: unknown, timeout: AbortSignal, timeoutMs: number): string {
  if (timeout.aborted) return `no answer within ${timeoutMs} ms`;
  // Duck-typed: fetch's errors may come from another realm (test VMs), where instanceof fails.
  const err = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown } };
  if (err.name === 'AbortError') return 'request cancelled';
  const code = typeof err.cause?.code === 'string' ? err.cause.code : typeof err.message === 'string' ? err.message : String(error);
  return `network error (${code})`;
}

/** {@link DEFAULT_RETRY} overridden by the options given (undefined values ignored). */
export function retryOptions(overrides: Partial<RetryOptions> = {}): RetryOptions {
  const out = { ...DEFAULT_RETRY };
  for (const key of Object.keys(DEFAULT_RETRY) as (keyof RetryOptions)[]) {
    const value = overrides[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
