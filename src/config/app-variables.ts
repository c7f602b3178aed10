/**
 * The environment variables the app itself reads: its GitHub App credentials, Probot's settings, its
 * own `QG_*` settings and the system variables it passes on. A repository's `deploy:` section names
 * environment variables of the app as its deploy URL and signing secret, so without this list a
 * repository could have the app's private key used as an HMAC key, or its Redis URL as a target.
 * None of these is ever a deploy variable, whatever the operator's bindings say.
 * @module
 */

/**
 * Variables the app (or Probot, or a library it runs) reads, by exact name. The test of this module
 * checks that every variable `.env.example` documents and every variable `src/` reads from its environment is
 * covered, so a new setting cannot be forgotten here.
 */
export const APP_VARIABLES: readonly string[] = [
  // The GitHub App: credentials Probot reads and the setup flow writes.
  'APP_ID',
  'PRIVATE_KEY',
  'PRIVATE_KEY_PATH',
  'WEBHOOK_SECRET',
  'WEBHOOK_PATH',
  'WEBHOOK_PROXY_URL',
  'GITHUB_CLIENT_ID',
  'GITHUB_CLIENT_SECRET',
  'GITHUB_TOKEN',
  'GH_ORG',
  'GHE_HOST',
  'GHE_PROTOCOL',
  // Probot's other settings.
  'REDIS_URL',
  'SENTRY_DSN',
  'NO_SMEE_SETUP',
  'PROJECT_DOMAIN',
  // The HTTP server and the stores.
  'PORT',
  'HOST',
  'DATA_DIR',
  // System variables the app reads or hands to the sandbox; proxy URLs may carry credentials.
  'PATH',
  'HOME',
  'PYTHONPATH',
  'XDG_CACHE_HOME',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  // The install phase's package indexes (src/sandbox/egress): they may carry credentials.
  'PIP_INDEX_URL',
  'PIP_EXTRA_INDEX_URL',
];

/**
 * Prefixes the app reserves: its own settings (`QG_*`, the deploy agent's `QG_AGENT_*` among them),
 * Probot's logging (`LOG_*`), Node's (`NODE_*`), GitHub's (`GITHUB_*`, `GH_*`, `GHE_*`), and npm's settings
 * (`npm_config_*`, which the install phase reads).
 */
export const APP_VARIABLE_PREFIXES: readonly string[] = ['QG_', 'LOG_', 'NODE_', 'GITHUB_', 'GH_', 'GHE_', 'npm_config_'];

const exact = new Set(APP_VARIABLES);

/** Whether `name` is one of the app's own variables (by name or reserved prefix). */
export function isAppVariable(name: string): boolean {
  return exact.has(name) || APP_VARIABLE_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Why `name` cannot be a deploy variable: the sentence the config check and the deploy step show. */
export function appVariableRefusal(name: string): string {
  return `${name} is the app's own secret and cannot be used`;
}
