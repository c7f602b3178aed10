/**
 * Network for one sandboxed command that needs a package registry (the install phase): a private egress
 * proxy on a unix socket in its own folder, the mount that shows the folder inside the sandbox, the
 * bridge that runs in front of the command, and the environment that points npm, pip, pnpm, Yarn and
 * node-gyp at it. The command's network namespace stays private; this is its only way out.
 * @module
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ASSETS_DIR } from '../../paths.js';
import type { SandboxMount } from '../types.js';
import { egressPolicy, type EgressPolicy } from './policy.js';
import { startEgressProxy, type EgressProxy, type EgressReport, type Resolver } from './proxy.js';
import { hostNpmRegistries } from './registries.js';

export { refusedAddress, isIpLiteral } from './address.js';
export { decide, egressPolicy, ruleFromEntry, type AllowRule, type EgressPolicy } from './policy.js';
export { startEgressProxy, type EgressRefusal, type EgressReport } from './proxy.js';
export { describeRefusals } from './describe.js';

/** The bridge script (run by the sandbox's Node in front of the command). */
export const BRIDGE_SCRIPT = path.join(ASSETS_DIR, 'sandbox', 'egress-bridge.mjs');

/**
 * Node flags of the bridge. `--single-threaded`: no V8 background tasks. Seen on Node 24: the bridge's
 * `process.exit` joined V8's worker threads while they waited for the main thread to collect garbage,
 * and the install hung until its time limit (1 install in ~10). The bridge only moves bytes.
 */
export const BRIDGE_NODE_FLAGS: readonly string[] = ['--single-threaded'];

/** Where the proxy's socket folder appears inside the sandbox. */
export const SOCKET_DIR_INSIDE = '/run/quality-gates-egress';

/** The socket's name in its folder. */
const SOCKET_NAME = 'proxy.sock';

/** The loopback port inside the sandbox that leads to the proxy (the sandbox has its own network namespace, so no clash). */
export const BRIDGE_PORT = 3128;

/** The proxy URL the command sees. */
export const PROXY_URL = `http://127.0.0.1:${String(BRIDGE_PORT)}`;

/**
 * Environment that sends every usual client through the proxy: curl, pip, git and node-gyp read the
 * lower- and upper-case forms, npm and pnpm their `npm_config_*` settings, Yarn Berry its own. The
 * install is told the operator's registries, which it cannot read from the host's npmrc.
 */
export function proxyEnvironment(npmRegistry: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const vars: Record<string, string> = {
    HTTP_PROXY: PROXY_URL,
    HTTPS_PROXY: PROXY_URL,
    http_proxy: PROXY_URL,
    https_proxy: PROXY_URL,
    NO_PROXY: '',
    no_proxy: '',
    npm_config_proxy: PROXY_URL,
    npm_config_https_proxy: PROXY_URL,
    npm_config_registry: npmRegistry,
    PIP_PROXY: PROXY_URL,
    YARN_HTTP_PROXY: PROXY_URL,
    YARN_HTTPS_PROXY: PROXY_URL,
  };
  if (env.PIP_INDEX_URL) vars.PIP_INDEX_URL = withoutCredentials(env.PIP_INDEX_URL);
  if (env.PIP_EXTRA_INDEX_URL) vars.PIP_EXTRA_INDEX_URL = env.PIP_EXTRA_INDEX_URL.split(/\s+/).filter(Boolean).map(withoutCredentials).join(' ');
  return vars;
}

/**
 * A URL without its `user:password@`: the install runs the repository's code, which must never see a
 * credential, so an index that needs one cannot be used from the sandbox (docs/deployment.md).
 */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Where the install phase's policy and registries come from. */
export interface EgressSource {
  /** The policy (read once). */
  policy(): Promise<EgressPolicy>;
  /** The registry npm inside the sandbox uses. */
  npmRegistry(): Promise<string>;
  /** The app's environment (pip's index). */
  env: NodeJS.ProcessEnv;
  /** Name resolution of the proxy (tests replace it). */
  resolve?: Resolver;
}

/** The install phase's policy from the app's environment and the host's npm configuration. */
export function egressSourceFromEnv(env: NodeJS.ProcessEnv = process.env): EgressSource {
  // Checked now, so a typo in QG_INSTALL_ALLOW_HOSTS stops the start instead of the first install.
  egressPolicy({ npmRegistries: [], env });
  let policy: Promise<EgressPolicy> | undefined;
  return {
    env,
    policy: () => (policy ??= hostNpmRegistries(env).then((npmRegistries) => egressPolicy({ npmRegistries, env }))),
    npmRegistry: async () => (await hostNpmRegistries(env))[0] ?? '',
  };
}

/** The network of one command: mount, wrapper, environment, and what went through. */
export interface EgressSession {
  /** Bind of the socket folder into the sandbox. */
  mount: SandboxMount;
  /** Prepends the bridge to the command's argv. */
  wrap(argv: string[], node: string): string[];
  /** Variables pointing the command's clients at the proxy. */
  env: Record<string, string>;
  /** What the command tried (call before {@link EgressSession.close}). */
  report(): EgressReport;
  /** Stops the proxy and removes its socket. */
  close(): Promise<void>;
}

/** Starts a proxy for one command. */
export async function openEgressSession(source: EgressSource): Promise<EgressSession> {
  const [policy, npmRegistry] = await Promise.all([source.policy(), source.npmRegistry()]);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-egress-'));
  let proxy: EgressProxy;
  try {
    // The sandbox's user only needs to pass through the folder and connect to the socket.
    await chmod(dir, 0o711);
    const socketPath = path.join(dir, SOCKET_NAME);
    proxy = await startEgressProxy({ socketPath, policy, ...(source.resolve ? { resolve: source.resolve } : {}) });
    await chmod(socketPath, 0o666);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start the install's egress proxy: ${(error as Error).message}`, { cause: error });
  }
  return {
    mount: { source: dir, target: SOCKET_DIR_INSIDE, readOnly: true },
    wrap: (argv, node) => [node, ...BRIDGE_NODE_FLAGS, BRIDGE_SCRIPT, path.posix.join(SOCKET_DIR_INSIDE, SOCKET_NAME), String(BRIDGE_PORT), '--', ...argv],
    env: proxyEnvironment(npmRegistry, source.env),
    report: () => proxy.report(),
    close: async () => {
      await proxy.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
