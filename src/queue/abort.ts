/**
 * The reason put on a running job's AbortSignal, so the worker knows what to record when the
 * handler gives up: a shutdown gives the job back, a cancellation or a lost lease records nothing.
 * @module
 */

/** Why a running job's signal was aborted. */
export class JobAbortedError extends Error {
  /**
   * @param reason `cancelled` (superseded), `lease-lost` (taken over after a stall) or `shutdown`.
   */
  constructor(readonly reason: 'cancelled' | 'lease-lost' | 'shutdown') {
    super(`job aborted: ${reason}`);
    this.name = 'JobAbortedError';
  }
}
