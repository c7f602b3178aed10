/**
 * Graceful stop on SIGTERM/SIGINT (`docker stop`, Ctrl-C): stop taking requests, give running jobs
 * back to the queue, close the store, then exit.
 * @module
 */
import type { Logger } from '../gates/types.js';

/**
 * Registers the stop handlers once for a service; a second signal exits at once.
 * @param exit Ends the process (tests pass their own).
 */
export function closeOnSignals(close: () => Promise<void>, log: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return exit(1);
    stopping = true;
    log.info({ signal }, 'stopping');
    close().then(
      () => exit(0),
      (error: unknown) => {
        log.warn({ err: error }, 'error while stopping');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
