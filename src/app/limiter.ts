/**
 * Background work started by webhooks (creating `queued` check runs) runs behind the answers: at most
 * a few tasks at once, and none while deliveries are still being answered — up to a bound, so a steady
 * stream never starves it. GitHub gives up on a delivery after 10 s; a check appearing 100 ms later
 * costs nothing.
 * @module
 */

/** Counts deliveries being handled. */
export interface Traffic {
  /** Deliveries between receipt and answer. */
  inflight: number;
}

/** Longest a background task waits for a quiet moment before it runs anyway. */
export const MAX_BACKGROUND_DELAY_MS = 1_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs at most `concurrency` tasks at once, in arrival order, each after the deliveries in flight are
 * answered (or {@link MAX_BACKGROUND_DELAY_MS} passed).
 */
export function createLimiter(concurrency: number, traffic: Traffic = { inflight: 0 }): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active -= 1;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      const since = Date.now();
      do await nextTurn();
      while (traffic.inflight > 0 && Date.now() - since < MAX_BACKGROUND_DELAY_MS);
      return await task();
    } finally {
      release();
    }
  };
}
