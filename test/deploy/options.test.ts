import { describe, it, expect } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { deployAgentOptionsFromEnv, jsonLogger, DEFAULT_AGENT_HOST, DEFAULT_AGENT_PORT } from '../../src/deploy/agent/index.js';
import { recordingLogger } from './helpers.js';

const SECRET = 'x'.repeat(32);
const REQUIRED = { QG_AGENT_SECRET: SECRET, QG_AGENT_COMMAND: 'true', QG_AGENT_REPOSITORIES: 'acme/site' };
const log = recordingLogger();

describe('deployAgentOptionsFromEnv', () => {
  it('fills defaults around the three required settings', () => {
    const options = deployAgentOptionsFromEnv({ ...REQUIRED, QG_AGENT_COMMAND: 'docker compose up -d' }, log);
    expect(options).toMatchObject({ port: DEFAULT_AGENT_PORT, host: DEFAULT_AGENT_HOST, secret: SECRET, command: 'docker compose up -d', repositories: ['acme/site'], maxSkewSeconds: 300 });
    expect(options.callbackSecret).toBeUndefined();
    expect(options.stateFile).toBeUndefined();
  });

  it('reads every optional setting', () => {
    const options = deployAgentOptionsFromEnv(
      {
        ...REQUIRED, QG_AGENT_PORT: '9000', QG_AGENT_HOST: '0.0.0.0',
        QG_AGENT_CALLBACK_SECRET: 'c'.repeat(32), QG_AGENT_STATE_FILE: '/var/lib/qg/agent.json', QG_AGENT_CWD: '/srv/site',
        QG_AGENT_MAX_SKEW_SECONDS: '60', QG_AGENT_COMMAND_TIMEOUT_SECONDS: '120',
      },
      log,
    );
    expect(options).toMatchObject({ port: 9000, host: '0.0.0.0', callbackSecret: 'c'.repeat(32), stateFile: '/var/lib/qg/agent.json', cwd: '/srv/site', maxSkewSeconds: 60, commandTimeoutSeconds: 120 });
  });

  it('reads several repositories, separated by commas or spaces, braces kept whole', () => {
    const options = deployAgentOptionsFromEnv({ ...REQUIRED, QG_AGENT_REPOSITORIES: 'acme/{api,web}, acme/site  octo/*' }, log);
    expect(options.repositories).toEqual(['acme/{api,web}', 'acme/site', 'octo/*']);
  });

  it.each([
    [{ QG_AGENT_COMMAND: 'true' }, /QG_AGENT_SECRET is not set/],
    [{ QG_AGENT_SECRET: 'short', QG_AGENT_COMMAND: 'true' }, /QG_AGENT_SECRET is too short/],
    [{ QG_AGENT_SECRET: SECRET }, /QG_AGENT_COMMAND is not set/],
    [{ QG_AGENT_SECRET: SECRET, QG_AGENT_COMMAND: 'true' }, /QG_AGENT_REPOSITORIES is not set: set it to the repository this agent deploys/],
    [{ ...REQUIRED, QG_AGENT_REPOSITORIES: ' , ' }, /QG_AGENT_REPOSITORIES is not set/],
    [{ ...REQUIRED, QG_AGENT_REPOSITORIES: 'acme' }, /QG_AGENT_REPOSITORIES: "acme" is not a repository: write owner\/name/],
    [{ ...REQUIRED, QG_AGENT_REPOSITORIES: 'acme/site/extra' }, /"acme\/site\/extra" is not a repository/],
    [{ ...REQUIRED, QG_AGENT_PORT: 'http' }, /QG_AGENT_PORT must be a whole number from 0 to 65535, not "http"/],
    [{ ...REQUIRED, QG_AGENT_MAX_SKEW_SECONDS: '0' }, /QG_AGENT_MAX_SKEW_SECONDS/],
  ])('refuses %j', (env, message) => {
    expect(() => deployAgentOptionsFromEnv(env, log)).toThrow(message);
  });

  it('never puts the secret in its error messages', () => {
    expect(() => deployAgentOptionsFromEnv({ QG_AGENT_SECRET: 'tiny-secret' }, log)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('tiny-secret') }));
  });
});

describe('jsonLogger', () => {
  it('writes one JSON line per event with level and message', () => {
    const stream = new PassThrough();
    const logger = jsonLogger(stream);
    logger.info({ port: 1 }, 'listening');
    logger.warn({ reason: 'x' }, 'refused');
    logger.debug({ ignored: true }, 'noise');
    const lines = (stream.read() as Buffer).toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'listening', port: 1 }),
      expect.objectContaining({ level: 'warn', msg: 'refused', reason: 'x' }),
    ]);
  });
});
