import { describe, it, expect, afterEach } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { handleAgentCallback } from '../../src/deploy/callback.js';
import { AGENT_CALLBACK_PATH } from '../../src/deploy/types.js';
import { APP_ROOT } from '../../src/paths.js';
import { startStub, tempDir } from './helpers.js';
import { AGENT_SECRET, sendDeploy } from './agent-helpers.js';

let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
});

/** Starts `test/deploy/launch-agent.ts` under Node and resolves with its port. */
async function launch(env: Record<string, string>): Promise<number> {
  child = spawn(process.execPath, ['--import', './bin/register.js', 'test/deploy/launch-agent.ts'], {
    cwd: APP_ROOT,
    env: { PATH: process.env.PATH ?? '', QG_AGENT_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) return (JSON.parse(line) as { port: number }).port;
  throw new Error(`the agent process exited before listening: ${stderr}`);
}

describe('the deploy agent as its own process', () => {
  it('refuses a forged request, runs a signed one and reports success to the app', async () => {
    const tmp = tempDir();
    const app = await startStub([{ status: 200 }], AGENT_CALLBACK_PATH);
    try {
      const marker = path.join(tmp.dir, 'deployed.txt');
      const port = await launch({ QG_AGENT_SECRET: AGENT_SECRET, QG_AGENT_COMMAND: 'echo "$QG_SHA" > deployed.txt', QG_AGENT_CWD: tmp.dir, QG_AGENT_REPOSITORIES: 'acme/site' });
      const url = `http://127.0.0.1:${port}/deploy`;

      const forged = await sendDeploy(url, { callbackUrl: app.url, secret: 'forged'.padEnd(40, 'z'), request: { deliveryId: 'forged-1' } });
      expect(forged.status).toBe(401);
      expect(existsSync(marker)).toBe(false);

      expect((await sendDeploy(url, { callbackUrl: app.url })).status).toBe(202);
      await app.received(1);
      const request = app.requests[0];
      const result = handleAgentCallback(request?.body ?? '', request?.headers ?? {}, AGENT_SECRET);
      expect(result).toMatchObject({ state: 'success', deploymentId: 1000, exitCode: 0 });
      expect(readFileSync(marker, 'utf8')).toBe(`${'a'.repeat(40)}\n`);
    } finally {
      await app.close();
      tmp.remove();
    }
  });

  it('exits with a message naming the missing setting', async () => {
    await expect(launch({ QG_AGENT_COMMAND: 'true' })).rejects.toThrow(/QG_AGENT_SECRET is not set/);
  });
});
