import { describe, it, expect } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { APP_VARIABLES, appVariableRefusal, isAppVariable } from '../../src/config/app-variables.js';
import { DEFAULT_DEPLOY_VARIABLES } from '../../src/deploy/bindings.js';
import { APP_ROOT } from '../../src/paths.js';

/** Every variable `.env.example` documents, set or commented out (`# NAME=`). */
function documentedVariables(): string[] {
  const text = readFileSync(path.join(APP_ROOT, '.env.example'), 'utf8');
  return [...text.matchAll(/^#?\s*([A-Z_][A-Z0-9_]*)=/gm)].map((match) => match[1] ?? '');
}

/** Every `env.NAME`, `env?.NAME` and `env['NAME']` read under src/, and names handed to env helpers. */
function variablesReadBySrc(): string[] {
  const dir = path.join(APP_ROOT, 'src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => /\.(ts|js)$/.test(file));
  const names = new Set<string>();
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const match of text.matchAll(/\benv\??\.([A-Z_][A-Z0-9_]*)\b|\benv\[['"]([A-Z_][A-Z0-9_]*)['"]\]|\(env, '([A-Z_][A-Z0-9_]*)'/g)) {
      names.add(match[1] ?? match[2] ?? match[3] ?? '');
    }
  }
  return [...names].sort();
}

describe("the app's own variables", () => {
  it('cover every variable .env.example documents, except the deploy defaults', () => {
    const documented = documentedVariables();
    expect(documented).toEqual(expect.arrayContaining(['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET', 'QG_REDIS_URL', 'DEPLOY_WEBHOOK_SECRET']));
    const missing = documented.filter((name) => !DEFAULT_DEPLOY_VARIABLES.includes(name) && !isAppVariable(name));
    expect(missing).toEqual([]);
  });

  it('cover every variable the sources read, except the deploy defaults', () => {
    const read = variablesReadBySrc();
    expect(read).toEqual(expect.arrayContaining(['PRIVATE_KEY', 'WEBHOOK_SECRET', 'QG_REDIS_URL', 'GHE_HOST', 'DATA_DIR']));
    // DEPLOY_WEBHOOK_SECRET is read to verify the agent's report: it is the deploy secret, meant for deploys.
    const missing = read.filter((name) => !DEFAULT_DEPLOY_VARIABLES.includes(name) && !isAppVariable(name));
    expect(missing).toEqual([]);
  });

  it.each(['PRIVATE_KEY', 'WEBHOOK_SECRET', 'GITHUB_CLIENT_SECRET', 'QG_REDIS_URL', 'REDIS_URL', 'QG_AGENT_SECRET', 'LOG_LEVEL', 'NODE_OPTIONS', 'GHE_HOST'])(
    'count %s as the app\'s own',
    (name) => {
      expect(isAppVariable(name)).toBe(true);
    },
  );

  it.each([...DEFAULT_DEPLOY_VARIABLES, 'API_DEPLOY_URL', 'WEB_DEPLOY_SECRET', 'HUB_TRIGGER'])('leave %s to the operator', (name) => {
    expect(isAppVariable(name)).toBe(false);
  });

  it('are listed once each', () => {
    expect(new Set(APP_VARIABLES).size).toBe(APP_VARIABLES.length);
  });

  it('are refused with a sentence naming the variable', () => {
    expect(appVariableRefusal('PRIVATE_KEY')).toBe("PRIVATE_KEY is the app's own secret and cannot be used");
  });
});
