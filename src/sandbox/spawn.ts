/**
 * Spawning a process with the guarantees every sandbox needs whatever isolates it: the whole process
 * group is killed on timeout or abort, and output is capped (head and tail kept) so a tool printing
 * hundreds of MB cannot exhaust the app's memory.
 * @module
 */
import { spawn } from 'node:child_process';
import type { SandboxResult } from './types.js';

/** Grace between SIGTERM and SIGKILL when a command is stopped, so tools can flush their reports. */
export const KILL_GRACE_MS = 2000;

/** Options of {@link spawnCapped}. */
export interface SpawnCappedOptions {
  /** Working directory of the spawned program. */
  cwd: string;
  /** The complete environment (nothing is inherited). */
  env: Record<string, string>;
  /** Wall-clock limit. */
  timeoutMs: number;
  /** Bytes of stdout+stderr kept. */
  maxOutputBytes: number;
  /** Aborting kills the process group. */
  signal?: AbortSignal;
  /**
   * Texts handed to the program as extra file descriptors 3, 4, … (pipes, each under 64 KiB so they fit the
   * pipe buffer): how bubblewrap gets generated files (`--ro-bind-data`) without temporary files on disk.
   */
  inputs?: string[];
}

/**
 * Keeps the first and last `max / 2` bytes of a stream and counts what fell between, so that both the
 * command line a tool echoed first and the error it died with last survive.
 */
export class HeadTailBuffer {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  /** Bytes dropped from the middle. */
  dropped = 0;

  /** @param max Bytes kept in total. */
  constructor(private readonly max: number) {}

  /** Appends a chunk. */
  push(chunk: Buffer): void {
    const headRoom = Math.floor(this.max / 2) - this.headBytes;
    if (headRoom > 0) {
      const part = chunk.subarray(0, headRoom);
      this.head.push(part);
      this.headBytes += part.length;
      chunk = chunk.subarray(part.length);
      if (chunk.length === 0) return;
    }
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    const tailMax = this.max - Math.floor(this.max / 2);
    while (this.tailBytes > tailMax && this.tail.length > 0) {
      const first = this.tail[0] as Buffer;
      const excess = this.tailBytes - tailMax;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
        this.dropped += excess;
      }
    }
  }

  /** The kept text, with a marker saying how much was dropped from the middle. */
  toString(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    if (this.dropped === 0) return head + tail;
    return `${head}\n… [${this.dropped} bytes of output dropped] …\n${tail}`;
  }
}

/**
 * Runs `argv` in its own process group and resolves when it ends or was killed; never rejects for the
 * program's own failure (a program that cannot start resolves with exit code 127 and the reason in stderr).
 */
export function spawnCapped(argv: string[], options: SpawnCappedOptions): Promise<SandboxResult> {
  const started = Date.now();
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('spawnCapped: argv is empty');
  const stdout = new HeadTailBuffer(Math.ceil(options.maxOutputBytes / 2));
  const stderr = new HeadTailBuffer(Math.floor(options.maxOutputBytes / 2));
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', ...(options.inputs ?? []).map(() => 'pipe' as const)],
    });
    (options.inputs ?? []).forEach((text, index) => {
      const pipe = child.stdio[index + 3] as NodeJS.WritableStream | null | undefined;
      // A program that never reads its input closes the pipe: that is its business, not an error here.
      (pipe as unknown as NodeJS.EventEmitter | undefined)?.on('error', () => undefined);
      pipe?.end(text);
    });
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    let spawnError: Error | undefined;
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Whatever the leader left behind in its group goes with it.
      killGroup('SIGKILL');
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      const dropped = stdout.dropped + stderr.dropped;
      resolve({
        exitCode: spawnError ? 127 : code,
        signal: signal ?? null,
        stdout: stdout.toString(),
        stderr: spawnError ? `cannot start ${program}: ${spawnError.message}\n${stderr.toString()}` : stderr.toString(),
        timedOut,
        aborted,
        outputTruncated: dropped > 0,
        droppedBytes: dropped,
        durationMs: Date.now() - started,
      });
    });
  });
}
