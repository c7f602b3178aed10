import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { bindingRefusal, loadBindings, parseBindings, NO_BINDINGS, type DeployBindings } from '../../src/deploy/bindings.js';
import { runDeploy, ledgerKey, type RunDeployInput } from '../../src/deploy/run.js';
import { DeploySchema, type ConfigInput } from '../../src/config/schema.js';
import { verifySignedRequest } from '../../src/deploy/signature.js';
import { RecordingDeployments, SHA, TREE, recordingLogger, sqliteLedger, tempDir } from './helpers.js';

const bindings = (text: string): DeployBindings => ({ configured: true, bindings: parseBindings(text, 'QG_DEPLOY_BINDINGS') });

describe('parseBindings', () => {
  it('reads entries separated by semicolons, with globs on both sides and several variables each', () => {
    const parsed = parseBindings('acme/api:API_DEPLOY_* ; acme/{web,www}:WEB_URL, WEB_SECRET', 'QG_DEPLOY_BINDINGS');
    expect(parsed.map((b) => [b.repository, b.variables])).toEqual([
      ['acme/api', ['API_DEPLOY_*']],
      ['acme/{web,www}', ['WEB_URL', 'WEB_SECRET']],
    ]);
  });

  it.each([
    ['acme-api:API_URL', /^QG_DEPLOY_BINDINGS: "acme-api" is not a repository: write owner\/name/],
    ['acme/api API_URL', /^QG_DEPLOY_BINDINGS: "acme\/api API_URL" has no ":"; write owner\/name:VARIABLE/],
    ['acme/api:', /^QG_DEPLOY_BINDINGS: "acme\/api:" binds no variable; write acme\/api:VARIABLE/],
    ['acme/api:api_url', /^QG_DEPLOY_BINDINGS: "api_url" is not a variable name or pattern: capitals, digits, underscores/],
    ['acme/api/x:API_URL', /"acme\/api\/x" is not a repository/],
  ])('refuses %j, saying what to write', (text, message) => {
    expect(() => parseBindings(text, 'QG_DEPLOY_BINDINGS')).toThrow(message);
  });
});

describe('loadBindings', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => {
    tmp.remove();
  });

  it('configures nothing when neither variable is set (or the inline one is blank)', () => {
    expect(loadBindings({})).toEqual(NO_BINDINGS);
    expect(loadBindings({ QG_DEPLOY_BINDINGS: '  ' })).toEqual(NO_BINDINGS);
  });

  it('reads a file of bindings, one a line with comments, after the inline ones', () => {
    const file = path.join(tmp.dir, 'bindings');
    writeFileSync(file, '# who deploys what\nacme/api:API_DEPLOY_*   # the API team\n\nacme/web:WEB_*\n');
    const loaded = loadBindings({ QG_DEPLOY_BINDINGS: 'acme/site:SITE_URL', QG_DEPLOY_BINDINGS_FILE: file });
    expect(loaded.configured).toBe(true);
    expect(loaded.bindings.map((b) => b.repository)).toEqual(['acme/site', 'acme/api', 'acme/web']);
  });

  it('names the file and the line of a malformed binding', () => {
    const file = path.join(tmp.dir, 'bindings');
    writeFileSync(file, 'acme/api:API_*\n# fine so far\nacme:WEB_*\n');
    expect(() => loadBindings({ QG_DEPLOY_BINDINGS_FILE: file })).toThrow(`${file}:3: "acme" is not a repository`);
  });

  it('says which file it cannot read', () => {
    const file = path.join(tmp.dir, 'missing');
    expect(() => loadBindings({ QG_DEPLOY_BINDINGS_FILE: file })).toThrow(
      `cannot read QG_DEPLOY_BINDINGS_FILE (${file}): ENOENT; check the path and its permissions`,
    );
  });
});

describe('bindingRefusal', () => {
  const api = bindings('acme/api:API_DEPLOY_*;acme/{web,www}:WEB_URL,WEB_SECRET;*/*:SHARED_HUB');

  it.each([
    ['acme/api', 'API_DEPLOY_URL'],
    ['ACME/Api', 'API_DEPLOY_SECRET'],
    ['acme/www', 'WEB_SECRET'],
    ['octo/.github', 'SHARED_HUB'],
  ])('lets %s use %s, as bound', (repository, variable) => {
    expect(bindingRefusal(api, repository, variable)).toBeUndefined();
  });

  it.each([
    ['acme/web', 'API_DEPLOY_URL', 'API_DEPLOY_URL is not bound to acme/web: add "acme/web:API_DEPLOY_URL" to QG_DEPLOY_BINDINGS in the app\'s environment'],
    ['acme/api', 'WEB_URL', 'WEB_URL is not bound to acme/api: add "acme/api:WEB_URL" to QG_DEPLOY_BINDINGS in the app\'s environment'],
    ['acme/api', 'api_deploy_url', 'api_deploy_url is not bound to acme/api'],
    ['acme/api', 'DEPLOY_WEBHOOK_URL', 'DEPLOY_WEBHOOK_URL is not bound to acme/api: add "acme/api:DEPLOY_WEBHOOK_URL" to QG_DEPLOY_BINDINGS in the app\'s environment (once bindings are set, the defaults need one too)'],
  ])('refuses %s the variable %s, saying how to bind it', (repository, variable, message) => {
    expect(bindingRefusal(api, repository, variable)).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('lets every repository use the defaults and nothing else while no binding is configured', () => {
    for (const variable of ['DOCKERHUB_TRIGGER_URL', 'DEPLOY_WEBHOOK_URL', 'DEPLOY_WEBHOOK_SECRET']) {
      expect(bindingRefusal(NO_BINDINGS, 'anyone/anything', variable)).toBeUndefined();
    }
    expect(bindingRefusal(NO_BINDINGS, 'acme/web', 'API_DEPLOY_URL')).toBe(
      'API_DEPLOY_URL is not bound to acme/web: set QG_DEPLOY_BINDINGS="acme/web:API_DEPLOY_URL" in the app\'s environment',
    );
  });

  it.each(['PRIVATE_KEY', 'WEBHOOK_SECRET', 'GITHUB_CLIENT_SECRET', 'QG_REDIS_URL', 'REDIS_URL'])(
    "refuses the app's own %s even to a binding of every variable",
    (variable) => {
      const everything = bindings('*/*:*');
      expect(bindingRefusal(everything, 'acme/api', variable)).toBe(`${variable} is the app's own secret and cannot be used`);
      expect(bindingRefusal(NO_BINDINGS, 'acme/api', variable)).toBe(`${variable} is the app's own secret and cannot be used`);
    },
  );
});

describe('runDeploy with bindings', () => {
  const API_URL = 'https://api-deploy.example.com';
  const WEB_URL = 'https://web-deploy.example.com';
  const API_SECRET = 'api-secret-'.padEnd(40, 'a');
  const WEB_SECRET = 'web-secret-'.padEnd(40, 'w');
  /** Requests nock had no interceptor for: with the network off, each would be an attempt to send. */
  const unexpected: string[] = [];
  const onNoMatch = (request: { method?: string; href?: string; path?: string }) => {
    unexpected.push(`${request.method ?? ''} ${request.href ?? request.path ?? ''}`);
  };
  const ENV = {
    QG_DEPLOY_BINDINGS: 'acme/api:API_DEPLOY_*;acme/{web,www}:WEB_DEPLOY_*',
    API_DEPLOY_URL: `${API_URL}/deploy`,
    API_DEPLOY_SECRET: API_SECRET,
    API_DEPLOY_HUB: `${API_URL}/hub/trigger-token-0123456789abcdef/call/`,
    WEB_DEPLOY_URL: `${WEB_URL}/deploy`,
    WEB_DEPLOY_SECRET: WEB_SECRET,
  };
  let tmp: ReturnType<typeof tempDir>;
  let store: ReturnType<typeof sqliteLedger>;

  beforeAll(() => {
    nock.disableNetConnect();
    nock.emitter.on('no match', onNoMatch);
  });
  // Jest runs other test files in the same worker process, where nock's hold on `http` would remain.
  afterAll(() => {
    nock.emitter.off('no match', onNoMatch);
    nock.enableNetConnect();
    nock.restore();
  });
  beforeEach(() => {
    tmp = tempDir();
    store = sqliteLedger(tmp.dir);
    unexpected.length = 0;
  });
  afterEach(() => {
    nock.cleanAll();
    store.close();
    tmp.remove();
  });

  function input(repo: string, deploy: NonNullable<ConfigInput['deploy']>, env: NodeJS.ProcessEnv = ENV) {
    const deployments = new RecordingDeployments();
    const log = recordingLogger();
    const run: RunDeployInput = {
      request: { owner: 'acme', repo, ref: 'refs/heads/main', sha: SHA, tree: TREE, environment: 'production', deliveryId: 'delivery-1', pushedAt: Date.now() },
      config: DeploySchema.parse(deploy),
      env,
      deployments,
      ledger: store.ledger,
      log,
      retry: { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 1000, retries: 0 },
    };
    return { run, deployments, log };
  }

  it("refuses repository web the API team's target: nothing is sent, and the Deployment fails saying how to bind it", async () => {
    const api = nock(API_URL).post('/deploy').reply(202).post(/\/hub\//).reply(200);
    const { run, deployments, log } = input('web', {
      dockerhub: { trigger_url_env: 'API_DEPLOY_HUB' },
      webhook: { url_env: 'API_DEPLOY_URL', secret_env: 'API_DEPLOY_SECRET' },
    });
    const outcome = await runDeploy(run);

    expect(api.isDone()).toBe(false);
    expect(api.pendingMocks()).toHaveLength(2);
    expect(unexpected).toEqual([]);
    expect(outcome.failed).toBe(true);
    expect(outcome.records.map((r) => [r.target, r.status, r.attempts])).toEqual([
      ['dockerhub', 'failure', 0],
      ['webhook', 'failure', 0],
    ]);
    expect(outcome.records[1]?.message).toBe(
      'API_DEPLOY_URL is not bound to acme/web: add "acme/web:API_DEPLOY_URL" to QG_DEPLOY_BINDINGS in the app\'s environment; ' +
        'API_DEPLOY_SECRET is not bound to acme/web: add "acme/web:API_DEPLOY_SECRET" to QG_DEPLOY_BINDINGS in the app\'s environment; nothing was sent',
    );
    // One Deployment per target, failed at once (never in progress), with the refusal as its description.
    expect(deployments.deployments.map((d) => d.payload.target)).toEqual(['dockerhub', 'webhook']);
    expect(deployments.statesOf(1000)).toEqual(['failure']);
    expect(deployments.statesOf(1001)).toEqual(['failure']);
    expect(deployments.statuses[0]?.description).toMatch(/^API_DEPLOY_HUB is not bound to acme\/web: add "acme\/web:API_DEPLOY_HUB" to QG_DEPLOY_BINDINGS/);
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'deploy target refused: variable not bound to the repository' }));
    // No claim was taken: once the operator binds the variable, a re-run deploys.
    expect(await store.ledger.claim(ledgerKey({ owner: 'acme', repo: 'web', sha: SHA }, 'webhook'))).toBe(true);
    for (const secret of [API_SECRET, 'trigger-token-0123456789abcdef']) expect(JSON.stringify(outcome) + log.text()).not.toContain(secret);
  });

  it('still refuses, and says so, when GitHub will not record the refused Deployment', async () => {
    const api = nock(API_URL).post('/deploy').reply(202);
    const { run, deployments, log } = input('web', { webhook: { url_env: 'API_DEPLOY_URL', secret_env: 'API_DEPLOY_SECRET' } });
    deployments.failCreate = new Error('Resource not accessible by integration');
    const outcome = await runDeploy(run);
    expect(api.isDone()).toBe(false);
    expect(unexpected).toEqual([]);
    expect(outcome.records[0]).toMatchObject({ status: 'failure', attempts: 0, message: expect.stringContaining('API_DEPLOY_URL is not bound to acme/web') });
    expect(outcome.records[0]?.deploymentId).toBeUndefined();
    expect(log.lines).toContainEqual(expect.objectContaining({ msg: 'could not record the refused deploy as a GitHub Deployment' }));
  });

  it('deploys a repository its glob binding names, signed with its own secret', async () => {
    let signed = false;
    // nock 15 hands header functions the fetch Request: the place to check the signature of its body.
    const check = async (request: Request): Promise<string> => {
      signed = verifySignedRequest(await request.clone().text(), Object.fromEntries(request.headers.entries()), WEB_SECRET).ok;
      return 'checked';
    };
    const web = nock(WEB_URL).post('/deploy').reply(200, '{}', { 'x-signature-check': check });
    const { run, deployments } = input('www', { webhook: { url_env: 'WEB_DEPLOY_URL', secret_env: 'WEB_DEPLOY_SECRET' } });
    const outcome = await runDeploy(run);
    expect(web.isDone()).toBe(true);
    expect(signed).toBe(true);
    expect(unexpected).toEqual([]);
    expect(outcome.records[0]).toMatchObject({ target: 'webhook', status: 'success', attempts: 1 });
    expect(deployments.statesOf(1000)).toEqual(['in_progress', 'success']);
  });

  it('lets every repository use the default variables while no binding is configured, and refuses any other', async () => {
    const hub = nock('https://hub.docker.com').post('/api/build/v1/source/default/call/').reply(200);
    const env = { DOCKERHUB_TRIGGER_URL: 'https://hub.docker.com/api/build/v1/source/default/call/', API_DEPLOY_URL: ENV.API_DEPLOY_URL, API_DEPLOY_SECRET: API_SECRET };
    const allowed = await runDeploy(input('anything', { dockerhub: {} }, env).run);
    expect(hub.isDone()).toBe(true);
    expect(allowed.records[0]?.status).toBe('success');

    const api = nock(API_URL).post('/deploy').reply(202);
    const refused = await runDeploy(input('api', { webhook: { url_env: 'API_DEPLOY_URL', secret_env: 'API_DEPLOY_SECRET' } }, env).run);
    expect(api.isDone()).toBe(false);
    expect(unexpected).toEqual([]);
    expect(refused.records[0]).toMatchObject({
      status: 'failure',
      message: expect.stringContaining('API_DEPLOY_URL is not bound to acme/api: set QG_DEPLOY_BINDINGS="acme/api:API_DEPLOY_URL"'),
    });
  });

  it("refuses the app's own private key as the signing secret even when a binding allows every variable", async () => {
    const api = nock(API_URL).post('/deploy').reply(202);
    const env = { ...ENV, QG_DEPLOY_BINDINGS: '*/*:*', PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----' };
    // The config check refuses this name; a config that reached the deploy step another way is refused here too.
    const config = { ...DeploySchema.parse({ webhook: {} }), webhook: { url_env: 'API_DEPLOY_URL', secret_env: 'PRIVATE_KEY' } };
    const { run } = input('api', { webhook: {} }, env);
    const outcome = await runDeploy({ ...run, config });
    expect(api.isDone()).toBe(false);
    expect(unexpected).toEqual([]);
    expect(outcome.records[0]?.message).toBe("PRIVATE_KEY is the app's own secret and cannot be used; nothing was sent");
  });

  it('reports what a dry run would refuse, and calls nothing', async () => {
    const { run, deployments } = input('web', { webhook: { url_env: 'API_DEPLOY_URL', secret_env: 'WEB_DEPLOY_SECRET' }, dry_run: true });
    const outcome = await runDeploy(run);
    expect(outcome.records[0]).toMatchObject({
      status: 'failure',
      dryRun: true,
      message: expect.stringMatching(/^dry run: would refuse: API_DEPLOY_URL is not bound to acme\/web: add "acme\/web:API_DEPLOY_URL"/),
    });
    expect(deployments.deployments).toHaveLength(0);
    expect(unexpected).toEqual([]);
  });

  it('sends nothing and records no Deployment when the bindings themselves are malformed', async () => {
    const { run, deployments, log } = input('api', { webhook: { url_env: 'API_DEPLOY_URL', secret_env: 'API_DEPLOY_SECRET' } }, { ...ENV, QG_DEPLOY_BINDINGS: 'acme-api:API_DEPLOY_*' });
    const outcome = await runDeploy(run);
    expect(outcome).toEqual({
      failed: true,
      records: [
        {
          target: 'webhook',
          status: 'failure',
          message: 'nothing sent: the app\'s deploy bindings are invalid: QG_DEPLOY_BINDINGS: "acme-api" is not a repository: write owner/name, with globs if needed (acme/site, acme/*, */*)',
          durationMs: 0,
          dryRun: false,
        },
      ],
    });
    expect(deployments.deployments).toHaveLength(0);
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'deploy bindings are invalid' }));
    expect(unexpected).toEqual([]);
  });
});
