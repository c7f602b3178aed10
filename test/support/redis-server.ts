/**
 * A throwaway `redis-server` for the test suite and the benches: its own free port on 127.0.0.1, no
 * persistence, stopped afterwards. No test touches a Redis it did not start (127.0.0.1:6379 may hold a
 * developer's data) unless `QG_TEST_REDIS_URL` names one on purpose.
 *
 * The default export is Jest's global setup. Jest loads that file outside its module mapping, so this
 * module imports nothing of the project (the `.js` specifiers of relative imports would not resolve).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The variable that names the Redis the tests use; the Jest global setup sets it to the one it starts. */
export const TEST_REDIS_ENV = 'QG_TEST_REDIS_URL';

/** Set by the global setup to the pid of the redis-server it started (absent when the URL was given). */
export const TEST_REDIS_PID_ENV = 'QG_TEST_REDIS_PID';

/** How long a starting redis-server may take to answer PING (it takes milliseconds; a loaded CI box more). */
const START_TIMEOUT_MS = 15_000;

/** Ports tried: another process can take the free port between the probe and redis-server's bind. */
const PORT_ATTEMPTS = 3;

/** A running throwaway redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`, no database number. */
  url: string;
  /** Its process id. */
  pid: number;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether a Redis on this port answers PING (raw RESP, so this needs no client library). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/**
 * Starts `redis-server` (found on the PATH) on a free port of 127.0.0.1 and waits until it answers.
 * Throws with what to do when it is not installed, and with its log when it does not come up.
 */
export async function startRedisServer(program = 'redis-server'): Promise<RedisServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-test-redis-'));
  const logFile = path.join(dir, 'redis.log');
  try {
    for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      const port = await freePort();
      const child = spawn(program, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', logFile], { stdio: 'ignore' });
      if (child.pid === undefined) {
        // Not started at all (not installed, not executable): the error event says why.
        const why = await new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
        throw new Error(`cannot start ${program} for the tests (${why.code ?? why.message}): scripts/setup.sh installs it, or set ${TEST_REDIS_ENV} to a Redis the tests may use`, { cause: why });
      }
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      let gone = false;
      void exited.then(() => (gone = true));
      const deadline = Date.now() + START_TIMEOUT_MS;
      let answered = false;
      while (!gone && !answered && Date.now() < deadline) {
        answered = await answersPing(port);
        if (!answered) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (answered && !gone) {
        return {
          url: `redis://127.0.0.1:${String(port)}`,
          pid: child.pid,
          async stop() {
            child.kill('SIGTERM');
            await exited;
            await rm(dir, { recursive: true, force: true });
          },
        };
      }
      const hung = !gone; // it ran but never answered: another port would not help
      child.kill('SIGKILL');
      await exited;
      if (hung) break;
    }
    const log = await readFile(logFile, 'utf8').catch(() => '(no log)');
    throw new Error(`${program} did not come up on 127.0.0.1; its log:\n${log.slice(-2_000)}`);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Where the server started by the global setup waits for the global teardown (Jest runs both in one process). */
export interface GlobalWithRedis {
  qgTestRedis?: RedisServer;
}

/**
 * Jest global setup: the suite's own redis-server, unless `QG_TEST_REDIS_URL` names a Redis already.
 * The URL is published in that variable, which the test workers inherit.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[TEST_REDIS_ENV]) return;
  const server = await startRedisServer();
  (globalThis as GlobalWithRedis).qgTestRedis = server;
  process.env[TEST_REDIS_ENV] = server.url;
  process.env[TEST_REDIS_PID_ENV] = String(server.pid);
  // A run cut short: Ctrl-C reaches redis-server too (same process group); on any other exit, this.
  process.once('exit', () => {
    try {
      process.kill(server.pid);
    } catch {
      // Already stopped by the teardown.
    }
  });
}
