// Shared pieces of the queue tests: jobs, temporary folders, child worker processes, waiting.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Job } from '../../../src/queue/job.js';

export function makeJob(overrides: Partial<Job> = {}): Job {
  return {
    id: randomUUID(),
    deliveryId: randomUUID(),
    trigger: 'pull_request',
    installationId: 1,
    owner: 'octo',
    repo: 'demo',
    defaultBranch: 'main',
    sha: 'a'.repeat(40),
    gates: ['lint', 'coverage', 'docs'],
    checkRunIds: {},
    receivedAt: Date.now(),
    ...overrides,
  };
}

const made: string[] = [];

/** A fresh folder under the system temp dir; {@link removeTempDirs} deletes them (call it in `afterAll`). */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qg-queue-'));
  made.push(dir);
  return dir;
}

/** Deletes the folders made by {@link tempDir}. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Resolves when `check` returns true, polling; rejects after `timeoutMs` with `what`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ChildEvent {
  pid: number;
  event: 'ready' | 'started' | 'done';
  jobId?: string;
  attempt?: number;
}

export interface Child {
  process: ChildProcess;
  events: ChildEvent[];
  stderr: string[];
}

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Starts test/queue/support/worker-child.ts with extra environment. */
export function spawnWorker(env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', './bin/register.js', 'test/queue/support/worker-child.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: Child = { process: child, events: [], stderr: [] };
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      result.events.push(JSON.parse(line) as ChildEvent);
    } catch {
      result.stderr.push(line);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => result.stderr.push(chunk.toString()));
  return result;
}

/** Kills a child with SIGKILL and waits for it to be gone. */
export async function killHard(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGKILL');
  await exited;
}
