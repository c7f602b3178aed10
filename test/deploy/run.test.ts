import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { deployOnGreen, runDeploy, ledgerKey, type RunDeployInput } from '../../src/deploy/run.js';
import { sqliteResultCache } from '../../src/store/sqlite.js';
import type { GateResult } from '../../src/gates/types.js';
import { DeploySchema, type ConfigInput } from '../../src/config/schema.js';
import { verifySignedRequest } from '../../src/deploy/signature.js';
import { RecordingDeployments, SHA, TREE, recordingLogger, sqliteLedger, startStub, tempDir, type Stub } from './helpers.js';

const TOKEN_URL_PATH = '/api/build/v1/source/0f2c-secret-token/trigger/9a7b-secret-token/call/';
const HMAC = 'h'.repeat(40);
const FAST = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 300, retries: 2 };

let tmp: ReturnType<typeof tempDir>;
let store: ReturnType<typeof sqliteLedger>;
let stub: Stub | undefined;
beforeEach(() => {
  tmp = tempDir();
  store = sqliteLedger(tmp.dir);
});
afterEach(async () => {
  await stub?.close();
  stub = undefined;
  store.close();
  tmp.remove();
});

function input(deploy: NonNullable<ConfigInput['deploy']>, env: NodeJS.ProcessEnv, extra: Partial<RunDeployInput> = {}) {
  const deployments = new RecordingDeployments();
  const log = recordingLogger();
  const run: RunDeployInput = {
    request: { owner: 'acme', repo: 'site', ref: 'refs/heads/main', sha: SHA, tree: TREE, environment: 'production', deliveryId: 'delivery-1', pushedAt: Date.now() - 50 },
    config: DeploySchema.parse(deploy),
    env,
    deployments,
    ledger: store.ledger,
    log,
    retry: FAST,
    ...extra,
  };
  return { run, deployments, log };
}

async function hub(answers: Parameters<typeof startStub>[0]) {
  stub = await startStub(answers, TOKEN_URL_PATH);
  return { DOCKERHUB_TRIGGER_URL: stub.url };
}

describe('runDeploy with the Docker Hub trigger', () => {
  it('posts the trigger and moves the Deployment from in_progress to success', async () => {
    const { run, deployments } = input({ dockerhub: {} }, await hub([{ status: 202, body: '{"state":"Success"}' }]));
    const outcome = await runDeploy(run);
    expect(stub?.requests).toHaveLength(1);
    const request = stub?.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ source_type: 'Branch', source_name: 'main' });
    expect(deployments.deployments[0]).toMatchObject({ owner: 'acme', repo: 'site', ref: SHA, environment: 'production', auto_merge: false, required_contexts: [] });
    expect(deployments.statesOf(1000)).toEqual(['in_progress', 'success']);
    expect(outcome.failed).toBe(false);
    expect(outcome.records).toEqual([
      expect.objectContaining({ target: 'dockerhub', status: 'success', deploymentId: 1000, attempts: 1, dryRun: false }),
    ]);
    expect(outcome.records[0]?.pushToTriggerMs).toBeGreaterThanOrEqual(50);
    // The Deployment itself carries the push → trigger time (issue 5 §3).
    expect(deployments.statuses.at(-1)?.description).toMatch(/^push → trigger \d+\.\d s; /);
  });

  it('sends a docker_tag body when the config names a tag', async () => {
    const { run } = input({ dockerhub: { docker_tag: 'latest' } }, await hub([{ status: 200 }]));
    await runDeploy(run);
    expect(JSON.parse(stub?.requests[0]?.body ?? '')).toEqual({ docker_tag: 'latest' });
  });

  it('retries a 500 and succeeds on the next attempt', async () => {
    const { run, deployments } = input({ dockerhub: {} }, await hub([{ status: 500 }, { status: 200 }]));
    const outcome = await runDeploy(run);
    expect(stub?.requests).toHaveLength(2);
    expect(outcome.records[0]).toMatchObject({ status: 'success', attempts: 2 });
    expect(deployments.statesOf(1000)).toEqual(['in_progress', 'success']);
  });

  it('fails at once on a 400 and puts the target\'s answer in the Deployment status', async () => {
    const { run, deployments } = input({ dockerhub: {} }, await hub([{ status: 400, body: 'Invalid source_name' }]));
    const outcome = await runDeploy(run);
    expect(stub?.requests).toHaveLength(1);
    expect(outcome.failed).toBe(true);
    expect(outcome.records[0]).toMatchObject({ status: 'failure', message: expect.stringContaining('answered 400: Invalid source_name') });
    const last = deployments.statuses.at(-1);
    expect(last).toMatchObject({ state: 'failure', description: expect.stringContaining('Invalid source_name') });
    expect(last?.description.length).toBeLessThanOrEqual(140);
  });

  it('fails a target that never answers once every attempt has timed out', async () => {
    const { run, deployments } = input({ dockerhub: {} }, await hub(['hang']));
    const outcome = await runDeploy(run);
    expect(stub?.requests).toHaveLength(FAST.retries + 1);
    expect(outcome.records[0]).toMatchObject({ status: 'failure', message: expect.stringContaining('no answer within 300 ms') });
    expect(deployments.statesOf(1000)).toEqual(['in_progress', 'failure']);
  });

  it('triggers once when the same push is delivered twice', async () => {
    const env = await hub([{ status: 200 }]);
    const first = input({ dockerhub: {} }, env);
    const second = input({ dockerhub: {} }, env);
    await runDeploy(first.run);
    const again = await runDeploy(second.run);
    expect(stub?.requests).toHaveLength(1);
    expect(again.records[0]).toMatchObject({ status: 'skipped', message: expect.stringContaining('already triggered') });
    expect(second.deployments.deployments).toHaveLength(0);
  });

  it('gives the claim back when the trigger failed, so a re-run can deploy', async () => {
    const env = await hub([{ status: 400 }, { status: 200 }]);
    await runDeploy(input({ dockerhub: {} }, env).run);
    const retry = await runDeploy(input({ dockerhub: {} }, env).run);
    expect(retry.records[0]?.status).toBe('success');
    expect(await store.ledger.claim(ledgerKey({ owner: 'acme', repo: 'site', sha: SHA }, 'dockerhub'))).toBe(false);
  });

  it('records what it would call on a dry run and calls nothing, GitHub included', async () => {
    const { run, deployments } = input({ dockerhub: {}, webhook: {}, dry_run: true }, await hub([{ status: 200 }]));
    const outcome = await runDeploy(run);
    expect(stub?.requests).toHaveLength(0);
    expect(deployments.deployments).toHaveLength(0);
    expect(outcome.records.map((r) => [r.target, r.status, r.dryRun, r.message])).toEqual([
      ['dockerhub', 'skipped', true, 'dry run: would POST dockerhub trigger to $DOCKERHUB_TRIGGER_URL'],
      ['webhook', 'skipped', true, 'dry run: would POST signed webhook to $DEPLOY_WEBHOOK_URL (signed with $DEPLOY_WEBHOOK_SECRET)'],
    ]);
    expect(await store.ledger.claim(ledgerKey({ owner: 'acme', repo: 'site', sha: SHA }, 'dockerhub'))).toBe(true);
  });

  it('names the missing environment variable when the trigger URL is not set', async () => {
    const { run, deployments } = input({ dockerhub: { trigger_url_env: 'HUB_URL' } }, { QG_DEPLOY_BINDINGS: 'acme/site:HUB_URL' });
    const outcome = await runDeploy(run);
    expect(outcome.records[0]).toMatchObject({ status: 'failure', message: expect.stringContaining('environment variable HUB_URL') });
    expect(deployments.statesOf(1000)).toEqual(['in_progress', 'failure']);
  });

  it('fires nothing and keeps no claim when GitHub refuses the Deployment', async () => {
    const { run, deployments } = input({ dockerhub: {} }, await hub([{ status: 200 }]));
    deployments.failCreate = new Error('Resource not accessible by integration');
    const outcome = await runDeploy(run);
    expect(stub?.requests).toHaveLength(0);
    expect(outcome.records[0]).toMatchObject({ status: 'failure', message: expect.stringContaining('Resource not accessible') });
    expect(await store.ledger.claim(ledgerKey({ owner: 'acme', repo: 'site', sha: SHA }, 'dockerhub'))).toBe(true);
  });

  it('does nothing without a deploy section', async () => {
    const { run } = input({}, {});
    expect(await runDeploy({ ...run, config: undefined })).toEqual({ records: [], failed: false });
  });
});

describe('runDeploy with the signed webhook', () => {
  async function receiver(answers: Parameters<typeof startStub>[0]) {
    stub = await startStub(answers, '/deploy?token=q-secret');
    return { DEPLOY_WEBHOOK_URL: stub.url, DEPLOY_WEBHOOK_SECRET: HMAC };
  }

  it('signs the push description and leaves the Deployment in progress until the agent reports', async () => {
    const callbackUrl = 'https://gates.example.com/quality-gates/deploy-callback';
    const { run, deployments } = input({ webhook: {} }, await receiver([{ status: 202 }]), { callbackUrl });
    const outcome = await runDeploy(run);
    const request = stub?.requests[0];
    const verified = verifySignedRequest(request?.body ?? '', request?.headers ?? {}, HMAC);
    expect(verified.ok).toBe(true);
    expect(JSON.parse(request?.body ?? '')).toMatchObject({
      repository: 'acme/site', ref: 'refs/heads/main', sha: SHA, tree: TREE, environment: 'production',
      delivery_id: 'delivery-1', deployment_id: 1000, callback_url: callbackUrl,
    });
    expect(outcome.records[0]).toMatchObject({ status: 'in_progress', message: expect.stringContaining('waiting for its report') });
    expect(deployments.statesOf(1000)).toEqual(['in_progress', 'in_progress']);
  });

  it('counts an accepted webhook as success when nobody will report back', async () => {
    const { run, deployments } = input({ webhook: {} }, await receiver([{ status: 200 }]));
    const outcome = await runDeploy(run);
    expect(outcome.records[0]?.status).toBe('success');
    expect(deployments.statesOf(1000)).toEqual(['in_progress', 'success']);
  });

  it('names the missing secret variable', async () => {
    const env = await receiver([{ status: 200 }]);
    const bound = { QG_DEPLOY_BINDINGS: 'acme/site:DEPLOY_WEBHOOK_URL,AGENT_HMAC' };
    const { run } = input({ webhook: { secret_env: 'AGENT_HMAC' } }, { ...bound, DEPLOY_WEBHOOK_URL: env.DEPLOY_WEBHOOK_URL });
    const outcome = await runDeploy(run);
    expect(outcome.records[0]?.message).toContain('environment variable AGENT_HMAC');
    expect(stub?.requests).toHaveLength(0);
  });
});

describe('secrets', () => {
  it('never show in records, Deployment statuses or logs, even when the target echoes them', async () => {
    stub = await startStub((req) => ({ status: 400, body: `rejected ${req.path} signed ${HMAC}` }), TOKEN_URL_PATH);
    const webhook = await startStub((req) => ({ status: 503, body: `down at ${req.path} key=${HMAC}` }), '/hook?token=q-secret');
    try {
      const env = { DOCKERHUB_TRIGGER_URL: stub.url, DEPLOY_WEBHOOK_URL: webhook.url, DEPLOY_WEBHOOK_SECRET: HMAC };
      const { run, deployments, log } = input({ dockerhub: {}, webhook: {} }, env);
      const outcome = await runDeploy(run);
      expect(outcome.records.map((r) => r.status)).toEqual(['failure', 'failure']);
      const shown = JSON.stringify(outcome) + JSON.stringify(deployments.statuses) + log.text();
      for (const secret of ['secret-token', 'q-secret', HMAC]) expect(shown).not.toContain(secret);
      expect(shown).toContain('127.0.0.1');
    } finally {
      await webhook.close();
    }
  });
});

describe('deployOnGreen', () => {
  const gates = (conclusion: 'success' | 'failure'): GateResult[] =>
    (['lint', 'coverage', 'docs'] as const).map((gate) => ({ gate, conclusion: gate === 'coverage' ? conclusion : 'success', title: '', summary: '', metrics: {}, findings: [] }));

  it('fires nothing and creates no Deployment when a gate failed', async () => {
    const { run, deployments } = input({ dockerhub: {} }, await hub([{ status: 200 }]));
    const result = await deployOnGreen({ ...run, defaultBranch: 'main', results: gates('failure') });
    expect(result.decision).toMatchObject({ deploy: false, reason: expect.stringContaining('coverage (failure)') });
    expect(result.outcome).toBeUndefined();
    expect(stub?.requests).toHaveLength(0);
    expect(deployments.deployments).toHaveLength(0);
  });

  it('deploys at once on a result-cache hit for the pushed tree', async () => {
    const cache = sqliteResultCache(store.db);
    await cache.put(`tree:${TREE}`, gates('success'));
    const { run } = input({ dockerhub: {} }, await hub([{ status: 200 }]));
    const cached = await cache.get(`tree:${TREE}`);
    const result = await deployOnGreen({ ...run, defaultBranch: 'main', results: cached ?? [] });
    expect(result.decision.deploy).toBe(true);
    expect(result.outcome?.records[0]?.status).toBe('success');
    expect(stub?.requests).toHaveLength(1);
  });
});
