import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { APP_ROOT } from '../../src/paths.js';

/** Logs two lines through Probot built the way the app builds it, in a child process (pino writes to fd 1). */
function logLines(env: Record<string, string>): string[] {
  const script = `
    import { createProbot } from 'probot';
    import { createLogger } from './src/app/logger.ts';
    const env = ${JSON.stringify(env)};
    const probot = createProbot({ env, overrides: { appId: 1, privateKey: 'unused', log: await createLogger(env) } });
    await probot.ready();
    probot.log.info({ port: 3000 }, 'quality-gates listening');
    probot.log.child({ jobId: 'j1' }).warn('job failed');
    probot.log.debug('not at info level');`;
  const out = execFileSync(process.execPath, ['--import', './bin/register.js', '--input-type=module', '-e', script], { cwd: APP_ROOT, encoding: 'utf8' });
  return out.trim().split('\n');
}

describe('the app logger', () => {
  it('writes JSON lines with exactly one name field, the level and the message', () => {
    const lines = logLines({ LOG_FORMAT: 'json', LOG_LEVEL: 'info' });
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.match(/"name":/g)).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 30, name: 'probot', port: 3000, msg: 'quality-gates listening' });
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ level: 40, name: 'probot', jobId: 'j1', msg: 'job failed' });
  });

  it('honours LOG_LEVEL_IN_STRING and LOG_MESSAGE_KEY as Probot does', () => {
    const [line] = logLines({ LOG_FORMAT: 'json', LOG_LEVEL_IN_STRING: 'true', LOG_MESSAGE_KEY: 'message' });
    expect(JSON.parse(line ?? '')).toMatchObject({ level: 'info', message: 'quality-gates listening' });
  });

  it('pretty-prints when LOG_FORMAT=pretty', () => {
    const [line] = logLines({ LOG_FORMAT: 'pretty' });
    expect(line).toMatch(/INFO.*\(probot\).*quality-gates listening/);
  });
});
