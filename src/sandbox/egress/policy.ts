/**
 * The install phase's allowlist: which host, port and scheme the egress proxy lets a sandboxed install
 * reach. It is built only from the operator's side — the registry the host's npm is configured with,
 * pip's index from the app's environment, and `QG_INSTALL_ALLOW_HOSTS` — never from the checkout, whose
 * `.npmrc` or `pip.conf` an attacker writes.
 * @module
 */
import { isIpLiteral, refusedAddress } from './address.js';

/** One destination the install phase may reach. */
export interface AllowRule {
  /** Lower-case host name, or `*.example.com` for any name below `example.com`. */
  host: string;
  /** The one port allowed. */
  port: number;
  /** `https`: tunnelled with CONNECT, TLS end to end; `http`: plain requests, only where an operator configured an `http://` URL. */
  scheme: 'https' | 'http';
  /** Where the rule came from, for messages (`npm registry`, `QG_INSTALL_ALLOW_HOSTS`). */
  source: string;
  /** The operator said this name may resolve to a private address (a mirror on their own network). */
  privateAddresses?: boolean;
}

/** What the proxy may reach. */
export interface EgressPolicy {
  /** The allowed destinations. */
  rules: AllowRule[];
}

/** The outcome of checking one destination against the policy. */
export type EgressDecision = { allowed: true; rule: AllowRule } | { allowed: false; reason: string };

/** pip's index when `PIP_INDEX_URL` is not set, and the host its files are served from. */
const PYPI_DEFAULT = ['https://pypi.org/simple', 'https://files.pythonhosted.org'];

/** npm's public registry, and the name Yarn writes into its lockfiles for the same registry. */
const NPM_PUBLIC = 'registry.npmjs.org';
const YARN_PUBLIC = 'registry.yarnpkg.com';

const DEFAULT_PORT = { https: 443, http: 80 } as const;

/** Host names compare without case, brackets or a trailing dot. */
export function normaliseHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase().replace(/\.$/, '');
}

/**
 * The rule for one allowlist entry: a URL (`https://mirror.example.com:8443/npm/`, `http://10.0.0.5:4873`)
 * or a bare `host`, `host:port` or `*.host` (HTTPS, port 443 unless given).
 * @throws Error naming the entry when it is not a host or URL.
 */
export function ruleFromEntry(entry: string, source: string): AllowRule {
  const text = entry.trim();
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let parsed: URL;
  try {
    parsed = new URL(url.replace('://*.', '://wildcard.'));
  } catch {
    throw new Error(`${source}: "${entry}" is neither a host name nor a URL`);
  }
  const scheme = parsed.protocol === 'http:' ? 'http' : parsed.protocol === 'https:' ? 'https' : undefined;
  if (scheme === undefined) throw new Error(`${source}: "${entry}" must be an http:// or https:// URL or a host name`);
  const host = url.includes('://*.') ? `*.${normaliseHost(parsed.hostname).replace(/^wildcard\./, '')}` : normaliseHost(parsed.hostname);
  return { host, port: parsed.port === '' ? DEFAULT_PORT[scheme] : Number(parsed.port), scheme, source };
}

/** Splits a list written with commas, semicolons or white space. */
function entries(list: string | undefined): string[] {
  return (list ?? '').split(/[\s,;]+/).filter((entry) => entry !== '');
}

/** Inputs of {@link egressPolicy}: the operator's configuration, never the checkout's. */
export interface PolicyInputs {
  /** Registry URLs the host's npm is configured with (`registry` and any `@scope:registry`). */
  npmRegistries: string[];
  /** The app's environment: `PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`, `QG_INSTALL_ALLOW_HOSTS`, `QG_INSTALL_PRIVATE_HOSTS`. */
  env: NodeJS.ProcessEnv;
}

/**
 * The allowlist of the install phase.
 * @throws Error when `QG_INSTALL_ALLOW_HOSTS` holds something that is not a host or URL.
 */
export function egressPolicy(inputs: PolicyInputs): EgressPolicy {
  const rules: AllowRule[] = [];
  for (const registry of inputs.npmRegistries) {
    const rule = ruleFromEntry(registry, 'the npm registry');
    rules.push(rule);
    // Yarn's lockfiles name the same public registry under Yarn's alias.
    if (rule.host === NPM_PUBLIC) rules.push({ ...rule, host: YARN_PUBLIC });
  }
  const index = inputs.env.PIP_INDEX_URL?.trim();
  for (const url of index ? [index] : PYPI_DEFAULT) rules.push(ruleFromEntry(url, 'the pip index'));
  for (const url of entries(inputs.env.PIP_EXTRA_INDEX_URL)) rules.push(ruleFromEntry(url, 'the pip index'));
  for (const entry of entries(inputs.env.QG_INSTALL_ALLOW_HOSTS)) rules.push(ruleFromEntry(entry, 'QG_INSTALL_ALLOW_HOSTS'));
  const privateHosts = new Set(entries(inputs.env.QG_INSTALL_PRIVATE_HOSTS).map(normaliseHost));
  for (const rule of rules) if (privateHosts.has(rule.host)) rule.privateAddresses = true;
  return { rules };
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}

/** Names the hosts a policy allows, for refusal messages. */
export function describePolicy(policy: EgressPolicy): string {
  const names = [...new Set(policy.rules.map((rule) => (rule.port === DEFAULT_PORT[rule.scheme] ? rule.host : `${rule.host}:${String(rule.port)}`)))];
  return names.join(', ');
}

/**
 * Whether the install phase may open a connection to `host:port`.
 * @param scheme `https` for a CONNECT tunnel, `http` for a plain request through the proxy.
 */
export function decide(policy: EgressPolicy, host: string, port: number, scheme: 'https' | 'http'): EgressDecision {
  const name = normaliseHost(host);
  const candidates = policy.rules.filter((rule) => hostMatches(rule.host, name));
  if (candidates.length === 0) {
    if (isIpLiteral(name)) {
      const kind = refusedAddress(name);
      return { allowed: false, reason: `an IP address${kind === undefined || kind === 'not an IP address' ? '' : ` (${kind})`}, not a registry name` };
    }
    return { allowed: false, reason: 'not a package registry' };
  }
  const rule = candidates.find((r) => r.port === port && r.scheme === scheme);
  if (rule !== undefined) return { allowed: true, rule };
  if (scheme === 'http' && candidates.some((r) => r.port === port)) {
    return { allowed: false, reason: 'plain HTTP, which is allowed only for a registry configured with an http:// URL' };
  }
  return { allowed: false, reason: `port ${String(port)} is not the registry's (${candidates.map((r) => String(r.port)).join(', ')})` };
}
