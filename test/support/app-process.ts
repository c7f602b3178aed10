/**
 * Starts the app exactly as `npm start` does (`node bin/quality-gates.js serve`) with a throwaway
 * RSA key, pointed at a fake GitHub through GHE_HOST/GHE_PROTOCOL, and waits for its port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { APP_ROOT } from '../../src/paths.js';

/** The webhook secret the e2e apps use. */
export const WEBHOOK_SECRET = 'e2e-secret';

/** A throwaway app private key (PKCS#1 PEM, as GitHub hands them out). */
export function throwawayKey(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

/** A running app process. */
export interface AppProcess {
  /** The port it listens on. */
  port: number;
  /** Base URL. */
  url: string;
  /** Everything it printed. */
  output(): string;
  /** The child process. */
  child: ChildProcess;
  /** Its DATA_DIR. */
  dataDir: string;
  /** Sends SIGTERM and waits for the exit; removes the data folder. */
  stop(): Promise<void>;
}

/**
 * Starts `node bin/quality-gates.js serve` with the given extra environment.
 * @param appRoot The installation to start (default this checkout).
 */
export async function startApp(githubHost: string, extraEnv: Record<string, string> = {}, privateKey = throwawayKey(), appRoot = APP_ROOT): Promise<AppProcess> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'qg-e2e-data-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.tmpdir(),
    APP_ID: '1',
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET,
    GHE_HOST: githubHost,
    GHE_PROTOCOL: 'http',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    // Outside DATA_DIR (mkdtemp makes it 0700): the sandbox's unprivileged user must reach the workspace.
    QG_WORK_DIR: path.join(os.tmpdir(), `qg-e2e-work-${path.basename(dataDir)}`),
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    QG_CONCURRENCY: '1',
    QG_BACKOFF_MS: '200',
    QG_POLL_MS: '50',
    NODE_ENV: 'test',
    ...extraEnv,
  };
  const child = spawn(process.execPath, [path.join(appRoot, 'bin', 'quality-gates.js'), 'serve'], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start:\n${out}`)), 30_000);
    const check = () => {
      const match = /"port":(\d+)[^\n]*quality-gates listening/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${String(code)}:\n${out}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${String(port)}`,
    output: () => out,
    child,
    dataDir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
      await rm(env.QG_WORK_DIR ?? '', { recursive: true, force: true });
    },
  };
}
