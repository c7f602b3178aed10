import { describe, expect, it } from '@jest/globals';
import { createLimiter } from '../../src/app/limiter.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('background limiter', () => {
  it('runs at most the given number of tasks at once, in arrival order', async () => {
    const run = createLimiter(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          order.push(n);
          await nextTurn();
          active -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });

  it('starts no task while deliveries are in flight', async () => {
    const traffic = { inflight: 1 };
    const run = createLimiter(1, traffic);
    let started = false;
    const done = run(() => Promise.resolve((started = true)));
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(started).toBe(false);
    traffic.inflight = 0;
    await done;
    expect(started).toBe(true);
  });

  it('passes a failing task\'s error on and keeps running the next ones', async () => {
    const run = createLimiter(1);
    await expect(run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(run(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
