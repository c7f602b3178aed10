import { describe, it, expect, afterEach } from '@jest/globals';
import { backoffMs, DEFAULT_RETRY, DeliveryError, MAX_ANSWER_CHARS, parseRetryAfter, postWithRetry, retryOptions } from '../../src/deploy/retry.js';
import { recordingLogger, startStub, type Stub } from './helpers.js';

const FAST = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000, retries: 3 };
let stub: Stub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-11-26T07:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 07:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 06:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('  ', now)).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('draws full jitter below an exponentially growing, capped ceiling', () => {
    const opts = retryOptions({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect(backoffMs(1, opts, undefined, () => 0.999)).toBe(99);
    expect(backoffMs(3, opts, undefined, () => 0.999)).toBe(399);
    expect(backoffMs(10, opts, undefined, () => 0.999)).toBe(999);
    expect(backoffMs(2, opts, undefined, () => 0)).toBe(0);
  });

  it('honours Retry-After but cuts it to the cap', () => {
    expect(backoffMs(1, DEFAULT_RETRY, 2000)).toBe(2000);
    expect(backoffMs(1, DEFAULT_RETRY, 3_600_000)).toBe(DEFAULT_RETRY.maxRetryAfterMs);
  });

  it('keeps defaults for options given as undefined', () => {
    expect(retryOptions({ retries: undefined, timeoutMs: 5 })).toEqual({ ...DEFAULT_RETRY, timeoutMs: 5 });
  });
});

describe('postWithRetry', () => {
  it('retries a 500 and returns the accepted answer', async () => {
    stub = await startStub([{ status: 500, body: 'boom' }, { status: 202, body: 'queued' }]);
    const log = recordingLogger();
    const result = await postWithRetry({ url: stub.url, body: '{}', headers: {} }, { ...FAST, log, label: 't' });
    expect(result).toMatchObject({ status: 202, body: 'queued', attempts: 2 });
    expect(stub.requests).toHaveLength(2);
    expect(log.lines.filter((l) => l.msg === 'deploy target failed, retrying')).toHaveLength(1);
  });

  it('fails at once on a 400 with the status and the start of the answer', async () => {
    stub = await startStub([{ status: 400, body: `bad request ${'x'.repeat(2000)}` }]);
    const error = await postWithRetry({ url: stub.url, body: '{}', headers: {} }, { ...FAST, log: recordingLogger(), label: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    const delivery = error as DeliveryError;
    expect(delivery.details).toMatchObject({ status: 400, attempts: 1 });
    expect(delivery.details.answer).toHaveLength(MAX_ANSWER_CHARS);
    expect(delivery.message).toContain('answered 400: bad request');
    expect(stub.requests).toHaveLength(1);
  });

  it('waits as long as a 429 Retry-After asks before retrying', async () => {
    stub = await startStub([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const log = recordingLogger();
    await postWithRetry({ url: stub.url, body: '{}', headers: {} }, { ...FAST, log, label: 't' });
    expect(stub.requests).toHaveLength(2);
    expect(log.lines[0]?.obj).toMatchObject({ status: 429, waitMs: 1000, retryAfter: true });
  });

  it('gives up on a target that never answers after every attempt timed out', async () => {
    stub = await startStub(['hang']);
    const error = await postWithRetry({ url: stub.url, body: '{}', headers: {} }, { ...FAST, timeoutMs: 100, retries: 1, log: recordingLogger(), label: 't' }).catch((e: unknown) => e);
    expect((error as DeliveryError).message).toContain('no answer within 100 ms');
    expect((error as DeliveryError).details.attempts).toBe(2);
    expect(stub.requests).toHaveLength(2);
  });

  it('retries a refused connection and reports the network error by host only', async () => {
    const closed = await startStub([{ status: 200 }]);
    await closed.close();
    const url = `${closed.url}secret-token-path`;
    const error = await postWithRetry({ url, body: '{}', headers: {} }, { ...FAST, retries: 1, log: recordingLogger(), label: 't' }).catch((e: unknown) => e);
    expect((error as DeliveryError).message).toMatch(/network error \(ECONNREFUSED\) from 127\.0\.0\.1:\d+/);
    expect((error as DeliveryError).message).not.toContain('secret-token-path');
    expect((error as DeliveryError).details.attempts).toBe(2);
  });

  it('refuses a URL that does not parse without echoing it', async () => {
    const error = await postWithRetry({ url: 'not a url token123', body: '{}', headers: {} }, { log: recordingLogger(), label: 't' }).catch((e: unknown) => e);
    expect((error as DeliveryError).message).toContain('not a valid URL');
    expect((error as DeliveryError).message).not.toContain('token123');
  });

  it('stops retrying when the caller aborts', async () => {
    stub = await startStub([{ status: 503 }]);
    const controller = new AbortController();
    const log = recordingLogger();
    const pending = postWithRetry({ url: stub.url, body: '{}', headers: {} }, { ...FAST, baseDelayMs: 5000, maxDelayMs: 5000, log, label: 't', signal: controller.signal });
    await stub.received(1);
    setTimeout(() => controller.abort(new Error('stop')), 20);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(stub.requests.length).toBeLessThan(FAST.retries + 1);
  });
});
