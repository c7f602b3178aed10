import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { allCompleted, fixture, OWNER, runNamed, serveRepo, shaOf, startE2E, waitForRuns, type E2E } from './helpers.js';
import { deliver, pullRequestPayload, pushPayload } from '../support/webhooks.js';
import { WEBHOOK_SECRET } from '../support/app-process.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { APP_ROOT } from '../../src/paths.js';

/** Shared by the app (`DEPLOY_WEBHOOK_SECRET`) and the agent (`QG_AGENT_SECRET`); the agent wants ≥ 32 characters. */
const DEPLOY_SECRET = 'e2e-deploy-secret-'.padEnd(48, 'k');

/** The token Docker Hub puts in a trigger URL: it must never show up in a check run. */
const HUB_TOKEN = 'hubtoken-0123456789abcdef';

/** Gates that pass quickly on js-pass (no TypeDoc build), plus the deploy targets under test. */
function deployConfig(targets: string): string {
  return `docs:\n  build: none\ndeploy:\n  environment: production\n${targets}`;
}
const HUB_AND_AGENT = deployConfig('  dockerhub: { source_type: Branch, source_name: main }\n  webhook: {}\n');

interface HubRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A node:http stand-in for Docker Hub's trigger endpoint that records every request and answers 200. */
async function startDockerHub(): Promise<{ url: string; requests: HubRequest[]; close(): Promise<void> }> {
  const requests: HubRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"state":"Success"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return { url, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A free loopback port: the app must know its own public URL (QG_PUBLIC_URL) before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `node bin/quality-gates.js deploy-agent` on a free port; its command appends to `marker`. */
async function startAgent(marker: string): Promise<{ url: string; child: ChildProcess; output(): string }> {
  const child = spawn(process.execPath, [path.join(APP_ROOT, 'bin', 'quality-gates.js'), 'deploy-agent'], {
    cwd: path.dirname(marker),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      QG_AGENT_PORT: '0',
      QG_AGENT_HOST: '127.0.0.1',
      QG_AGENT_SECRET: DEPLOY_SECRET,
      // Only `ok` deploys through the agent.
      QG_AGENT_REPOSITORIES: `${OWNER}/ok`,
      QG_AGENT_COMMAND: `echo "$QG_SHA $QG_ENVIRONMENT $QG_DEPLOYMENT_ID" >> ${JSON.stringify(marker)}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"port":(\d+)[^\n]*deploy agent listening|deploy agent listening[^\n]*"port":(\d+)/.exec(out);
      if (match) resolve(Number(match[1] ?? match[2]));
    });
    child.once('exit', (code) => reject(new Error(`deploy agent exited with ${String(code)}:\n${out}`)));
  });
  return { url: `http://127.0.0.1:${String(port)}/deploy`, child, output: () => out };
}

/** Polls until `read` returns a value that `done` accepts. */
async function waitFor<T>(read: () => T, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The fake's Deployments of `sha` with the states their statuses moved through. */
function deploymentsOf(github: FakeGitHub, sha: string): { id: number; target: string; environment: unknown; states: unknown[] }[] {
  return github.deployments
    .filter((d) => d.ref === sha)
    .map((d) => ({
      id: Number(d.id),
      target: String((d.payload as { target?: string } | undefined)?.target),
      environment: d.environment,
      states: github.deploymentStatuses.filter((s) => s.deployment_id === d.id).map((s) => s.state),
    }));
}

describe('deploy on green through the running app', () => {
  let e2e: E2E;
  let hub: Awaited<ReturnType<typeof startDockerHub>>;
  let agent: Awaited<ReturnType<typeof startAgent>>;
  let tmp: string;
  let marker: string;
  /** Docker Hub requests to the trigger path of one repository (each test uses its own). */
  const hubCalls = (repo: string) => hub.requests.filter((r) => r.path.startsWith(`/api/build/v1/source/${repo}/`));
  const push = (repo: string, sha: string, branch = 'main', id?: string) =>
    deliver(e2e.app.url, 'push', pushPayload({ owner: OWNER, repo, sha, branch }), WEBHOOK_SECRET, id === undefined ? {} : { id });

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'qg-e2e-deploy-'));
    marker = path.join(tmp, 'deployed.txt');
    hub = await startDockerHub();
    agent = await startAgent(marker);
    const port = await freePort();
    // Each repository reads its trigger URL from its own variable, so the stand-in can tell the tests apart.
    const triggers = Object.fromEntries(
      ['ok', 'fail', 'twice', 'branch', 'merge'].map((repo) => [`HUB_${repo.toUpperCase()}`, `${hub.url}/api/build/v1/source/${repo}/trigger/${HUB_TOKEN}/call/`]),
    );
    // The operator binds each trigger to its repository, and the defaults to `ok` (once bindings are set, the defaults need one too).
    const bindings = [`${OWNER}/ok:DOCKERHUB_TRIGGER_URL,DEPLOY_WEBHOOK_*`, ...Object.keys(triggers).map((name) => `${OWNER}/${name.slice(4).toLowerCase()}:${name}`)];
    e2e = await startE2E({
      QG_DEPLOY_BINDINGS: bindings.join(';'),
      PORT: String(port),
      QG_PUBLIC_URL: `http://127.0.0.1:${String(port)}`,
      DOCKERHUB_TRIGGER_URL: triggers.HUB_OK ?? '',
      DEPLOY_WEBHOOK_URL: agent.url,
      DEPLOY_WEBHOOK_SECRET: DEPLOY_SECRET,
      ...triggers,
    });
  }, 60_000);

  afterAll(async () => {
    await e2e.stop();
    if (agent.child.exitCode === null) {
      const exited = new Promise((resolve) => agent.child.once('exit', resolve));
      agent.child.kill('SIGTERM');
      await exited;
    }
    await hub.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('fires Docker Hub and the deploy agent once when every gate passes, and the agent marks the Deployment', async () => {
    const sha = shaOf('deploy-ok');
    await serveRepo(e2e.github, 'ok', sha, fixture('js-pass'), HUB_AND_AGENT);
    expect((await push('ok', sha)).status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    expect(runs.map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);

    const calls = hubCalls('ok');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({ source_type: 'Branch', source_name: 'main' });

    const summary = runNamed(runs, 'lint').output.summary ?? '';
    expect(summary).toMatch(/\*\*Deploy dockerhub:\*\* success .*\(\[Deployment \d+\]\(http:\/\/127\.0\.0\.1:\d+\/[^/]+\/[^/]+\/deployments\/production\)\)/);
    expect(summary).toMatch(/\*\*Deploy webhook:\*\* in_progress .*waiting for its report/);
    for (const run of runs) expect(JSON.stringify(run.output)).not.toContain(HUB_TOKEN);

    // The agent ran its command with the deployment's variables and reported back to the app's callback.
    const deployments = await waitFor(
      () => deploymentsOf(e2e.github, sha),
      (list) => list.length === 2 && list.every((d) => d.states.at(-1) === 'success'),
      'both Deployments reaching success',
    );
    const byTarget = Object.fromEntries(deployments.map((d) => [d.target, d]));
    expect(byTarget.dockerhub?.states).toEqual(['in_progress', 'success']);
    expect(byTarget.webhook?.states[0]).toBe('in_progress');
    expect(byTarget.webhook?.environment).toBe('production');
    expect(await readFile(marker, 'utf8')).toContain(`${sha} production ${String(byTarget.webhook?.id)}\n`);
    const agentStatus = e2e.github.deploymentStatuses.filter((st) => st.deployment_id === byTarget.webhook?.id).at(-1);
    expect(agentStatus?.description).toMatch(/^deployed by the agent in [\d.]+ s, push → live [\d.]+ s$/);
    expect(e2e.github.requestsTo('POST', /^\/repos\/octo-org\/ok\/deployments\/\d+\/statuses$/).every((r) => r.status === 201)).toBe(true);
  });

  it('deploys nothing when a gate fails, and the checks say why', async () => {
    const sha = shaOf('deploy-fail');
    await serveRepo(e2e.github, 'fail', sha, fixture('js-lint-fail'), deployConfig('  dockerhub: { trigger_url_env: HUB_FAIL }\n'));
    expect((await push('fail', sha)).status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    expect(runNamed(runs, 'lint').conclusion).toBe('failure');
    expect(runNamed(runs, 'lint').output.summary).toContain('**Deploy:** not triggered — not deployed: lint (failure) did not pass');
    expect(hubCalls('fail')).toHaveLength(0);
    expect(deploymentsOf(e2e.github, sha)).toHaveLength(0);
  });

  it('triggers once when the same push is delivered twice under different delivery ids', async () => {
    const sha = shaOf('deploy-twice');
    await serveRepo(e2e.github, 'twice', sha, fixture('js-pass'), deployConfig('  dockerhub: { trigger_url_env: HUB_TWICE }\n'));
    const [first, second] = await Promise.all([push('twice', sha, 'main', 'twice-1'), push('twice', sha, 'main', 'twice-2')]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    expect(runs).toHaveLength(3);
    expect(runs.map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);
    expect(e2e.app.output()).toContain('duplicate delivery: already stored');
    expect(hubCalls('twice')).toHaveLength(1);
    expect(deploymentsOf(e2e.github, sha)).toHaveLength(1);
  });

  it("refuses a repository another repository's trigger: nothing is sent, and the Deployment says how to bind it", async () => {
    const sha = shaOf('deploy-stray');
    await serveRepo(e2e.github, 'stray', sha, fixture('js-pass'), deployConfig('  dockerhub: { trigger_url_env: HUB_OK }\n'));
    const sentBefore = hub.requests.length;
    expect((await push('stray', sha)).status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    expect(runs.map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);
    expect(runNamed(runs, 'lint').output.summary).toContain(
      '**Deploy dockerhub:** failure — HUB_OK is not bound to octo-org/stray: add "octo-org/stray:HUB_OK" to QG_DEPLOY_BINDINGS',
    );
    expect(hub.requests).toHaveLength(sentBefore);
    expect(deploymentsOf(e2e.github, sha).map((d) => d.states)).toEqual([['failure']]);
  });

  it('deploys nothing on a push to a branch other than the deploy branch', async () => {
    const sha = shaOf('deploy-branch');
    await serveRepo(e2e.github, 'branch', sha, fixture('js-pass'), deployConfig('  dockerhub: { trigger_url_env: HUB_BRANCH }\n'));
    expect((await push('branch', sha, 'feature')).status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    expect(runs.map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);
    expect(runNamed(runs, 'lint').output.summary).toContain('refs/heads/feature is not the deploy branch (main)');
    expect(hubCalls('branch')).toHaveLength(0);
    expect(deploymentsOf(e2e.github, sha)).toHaveLength(0);
  });

  it('deploys a merge commit whose tree passed on the pull request without running the gates again', async () => {
    const head = shaOf('merge-pr-head');
    const merge = shaOf('merge-commit');
    const tree = shaOf('merge-tree');
    const config = deployConfig('  dockerhub: { trigger_url_env: HUB_MERGE }\n');
    await serveRepo(e2e.github, 'merge', head, fixture('js-pass'), config);
    e2e.github.addCommit(head, fixture('js-pass'), tree);
    e2e.github.addCommit(merge, fixture('js-pass'), tree);
    const pr = pullRequestPayload({ owner: OWNER, repo: 'merge', number: 7, sha: head, baseSha: shaOf('merge-base') });
    expect((await deliver(e2e.app.url, 'pull_request', pr, WEBHOOK_SECRET)).status).toBe(200);
    expect((await waitForRuns(e2e.github, head, allCompleted(3))).map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);
    expect(hubCalls('merge')).toHaveLength(0);

    expect((await push('merge', merge)).status).toBe(200);
    const runs = await waitForRuns(e2e.github, merge, allCompleted(3));
    expect(runs.map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);
    expect(runNamed(runs, 'coverage').output.summary).toContain(`**Tree already passed:** tree \`${tree}\``);
    expect(e2e.github.requestsTo('GET', new RegExp(`/tarball/${merge}$`))).toHaveLength(0);
    expect(hubCalls('merge')).toHaveLength(1);
    expect(deploymentsOf(e2e.github, merge).map((d) => d.states)).toEqual([['in_progress', 'success']]);
  });
});
