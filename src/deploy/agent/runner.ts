/**
 * One deployment at a time: a job arriving while another runs waits; a newer job replaces one still
 * waiting (deploying an intermediate commit would be wasted work), never the one running (killing
 * `docker compose up` halfway leaves the site in between two versions).
 * @module
 */

/** A unit of work the runner orders by when its push arrived. */
export interface Runnable {
  /** When the push arrived (ms since epoch): decides which of two jobs is newer. */
  pushedAtMs: number;
}

/** Runs jobs one at a time, keeping at most one waiting. */
export class SerialRunner<J extends Runnable> {
  private running: Promise<void> | undefined;
  private waiting: J | undefined;
  private idleWaiters: (() => void)[] = [];

  /**
   * @param execute Runs one job; must not reject.
   * @param superseded Told about a job dropped for a newer one (so its Deployment can be closed).
   */
  constructor(
    private readonly execute: (job: J) => Promise<void>,
    private readonly superseded: (dropped: J, by: J) => Promise<void>,
  ) {}

  /** Queues `job`; of two waiting jobs only the newer push is kept. */
  submit(job: J): void {
    const waiting = this.waiting;
    if (waiting === undefined) {
      this.waiting = job;
    } else if (job.pushedAtMs >= waiting.pushedAtMs) {
      this.waiting = job;
      void this.superseded(waiting, job);
    } else {
      void this.superseded(job, waiting);
    }
    this.pump();
  }

  /** What runs and what waits, for the health endpoint. */
  state(): { running: boolean; waiting: J | undefined } {
    return { running: this.running !== undefined, waiting: this.waiting };
  }

  /** Resolves when nothing runs and nothing waits. */
  idle(): Promise<void> {
    if (this.running === undefined && this.waiting === undefined) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops the waiting job (on shutdown) and resolves when the running one has ended. */
  async drain(): Promise<void> {
    this.waiting = undefined;
    await this.running;
  }

  private pump(): void {
    if (this.running !== undefined) return;
    const job = this.waiting;
    if (job === undefined) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
      return;
    }
    this.waiting = undefined;
    this.running = this.execute(job).finally(() => {
      this.running = undefined;
      this.pump();
    });
  }
}
