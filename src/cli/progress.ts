/**
 * What `quality-gates run` is doing, on a terminal: one status line on stderr, redrawn every second
 * with the elapsed time (as `npm ci` shows its work), and a line per finished step. A run takes
 * minutes (installs, test suites); without this the terminal stays silent. Only for a person
 * watching: the CLI turns it off when stderr is not a terminal or the output is JSON.
 * @module
 */

/** Frames of the spinner, as npm's own progress uses. */
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** How often the status line is redrawn. */
export const REDRAW_MS = 1000;

/** Carriage return + erase to the end of the line. */
const CLEAR_LINE = '\r\u001b[K';

/** Seconds, one decimal: `12.3s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** A progress display; every method is a no-op when it is off. */
export interface Progress {
  /** Ends the current step (if any) and starts one. */
  step(label: string): void;
  /** Renames the current step (what it turned out to be: `installing with pnpm …`). */
  update(label: string): void;
  /** Ends the current step with its result (`23 files`, `success, 0 errors`); `ok` false marks it failed. */
  finish(result: string, ok?: boolean): void;
  /** Writes a whole line (a verbose log line) without garbling the status line. */
  print(line: string): void;
  /** Ends the current step and stops redrawing. */
  close(): void;
}

/** A progress display that shows nothing. */
export const NO_PROGRESS: Progress = { step: () => undefined, update: () => undefined, finish: () => undefined, print: () => undefined, close: () => undefined };

/** Options of {@link terminalProgress}. */
export interface TerminalProgressOptions {
  /** Writes to stderr. */
  write: (text: string) => void;
  /** The clock (tests pass their own). */
  now?: () => number;
  /** Whether to redraw on a timer (tests call `redraw` themselves). */
  timer?: boolean;
}

/** A progress display on a terminal, which a timer redraws. */
export interface TerminalProgress extends Progress {
  /** Draws the status line again, one spinner frame on (the timer calls it; tests too). */
  redraw(): void;
}

/** A progress display on a terminal. */
export function terminalProgress(options: TerminalProgressOptions): TerminalProgress {
  const now = options.now ?? Date.now;
  const started = now();
  let current: { label: string; since: number } | undefined;
  let frame = 0;
  const status = (): string => {
    if (current === undefined) return '';
    const spinner = SPINNER[frame % SPINNER.length] ?? '';
    return `${spinner} ${current.label} ${seconds(now() - current.since)} (total ${seconds(now() - started)})`;
  };
  const redraw = (): void => {
    if (current === undefined) return;
    frame++;
    options.write(`${CLEAR_LINE}${status()}`);
  };
  const ticker = options.timer === false ? undefined : setInterval(redraw, REDRAW_MS);
  ticker?.unref();
  const finish = (result: string, ok = true): void => {
    if (current === undefined) return;
    options.write(`${CLEAR_LINE}${ok ? '✔' : '✖'} ${current.label}: ${result} in ${seconds(now() - current.since)}\n`);
    current = undefined;
  };
  return {
    step(label) {
      finish('done');
      current = { label, since: now() };
      options.write(`${CLEAR_LINE}${status()}`);
    },
    update(label) {
      if (current === undefined) return;
      current.label = label;
      options.write(`${CLEAR_LINE}${status()}`);
    },
    finish,
    print(line) {
      options.write(`${CLEAR_LINE}${line.endsWith('\n') ? line : `${line}\n`}${status()}`);
    },
    close() {
      finish('done');
      if (ticker !== undefined) clearInterval(ticker);
    },
    redraw,
  };
}
