import { describe, expect, it } from '@jest/globals';
import { decide, describePolicy, egressPolicy, ruleFromEntry } from '../../../src/sandbox/egress/policy.js';

const policy = (env: NodeJS.ProcessEnv = {}, npmRegistries = ['https://registry.npmjs.org/']) => egressPolicy({ npmRegistries, env });

describe('egressPolicy', () => {
  it('allows the npm registry, its Yarn alias and PyPI by default, on port 443 only', () => {
    const rules = policy().rules.map((rule) => `${rule.scheme}://${rule.host}:${String(rule.port)}`);
    expect(rules).toEqual(['https://registry.npmjs.org:443', 'https://registry.yarnpkg.com:443', 'https://pypi.org:443', 'https://files.pythonhosted.org:443']);
  });

  it("takes the operator's registries, pip indexes and extra hosts, not PyPI when an index is set", () => {
    const rules = policy(
      { PIP_INDEX_URL: 'https://pip.corp.example/simple', PIP_EXTRA_INDEX_URL: 'https://extra.example/simple http://plain.example:8080/simple', QG_INSTALL_ALLOW_HOSTS: '*.githubusercontent.example, binaries.example:8443' },
      ['https://npm.corp.example/', 'http://verdaccio.corp.example:4873/'],
    ).rules;
    expect(rules.map((rule) => `${rule.scheme}://${rule.host}:${String(rule.port)} (${rule.source})`)).toEqual([
      'https://npm.corp.example:443 (the npm registry)',
      'http://verdaccio.corp.example:4873 (the npm registry)',
      'https://pip.corp.example:443 (the pip index)',
      'https://extra.example:443 (the pip index)',
      'http://plain.example:8080 (the pip index)',
      'https://*.githubusercontent.example:443 (QG_INSTALL_ALLOW_HOSTS)',
      'https://binaries.example:8443 (QG_INSTALL_ALLOW_HOSTS)',
    ]);
  });

  it('marks the names an operator lets resolve to private addresses', () => {
    const rules = policy({ QG_INSTALL_PRIVATE_HOSTS: 'npm.corp.example' }, ['https://npm.corp.example/']).rules;
    expect(rules.find((rule) => rule.host === 'npm.corp.example')?.privateAddresses).toBe(true);
    expect(rules.find((rule) => rule.host === 'pypi.org')?.privateAddresses).toBeUndefined();
  });

  it('rejects an allowlist entry that is neither a host nor an http(s) URL, naming it', () => {
    expect(() => policy({ QG_INSTALL_ALLOW_HOSTS: 'ftp://files.example' })).toThrow('QG_INSTALL_ALLOW_HOSTS: "ftp://files.example" must be an http:// or https:// URL');
    expect(() => ruleFromEntry('exa mple', 'X')).toThrow('X: "exa mple" is neither a host name nor a URL');
  });
});

describe('decide', () => {
  const rules = policy({ QG_INSTALL_ALLOW_HOSTS: '*.cdn.example http://plain.example' });

  it.each([
    ['registry.npmjs.org', 443, 'https'],
    ['REGISTRY.npmjs.org.', 443, 'https'],
    ['a.b.cdn.example', 443, 'https'],
    ['plain.example', 80, 'http'],
  ] as const)('allows %s:%d over %s', (host, port, scheme) => {
    expect(decide(rules, host, port, scheme).allowed).toBe(true);
  });

  it.each([
    ['127.0.0.1', 6379, 'https', 'an IP address (a loopback address), not a registry name'],
    ['[::1]', 443, 'https', 'an IP address (a loopback address), not a registry name'],
    ['169.254.169.254', 80, 'http', 'an IP address (a link-local address (cloud metadata lives there)), not a registry name'],
    ['8.8.8.8', 443, 'https', 'an IP address, not a registry name'],
    ['example.com', 443, 'https', 'not a package registry'],
    ['cdn.example', 443, 'https', 'not a package registry'],
    ['evilcdn.example', 443, 'https', 'not a package registry'],
    ['registry.npmjs.org', 22, 'https', "port 22 is not the registry's (443)"],
    ['registry.npmjs.org', 443, 'http', 'plain HTTP, which is allowed only for a registry configured with an http:// URL'],
  ] as const)('refuses %s:%d over %s: %s', (host, port, scheme, reason) => {
    expect(decide(rules, host, port, scheme)).toEqual({ allowed: false, reason });
  });

  it('names the allowed hosts for messages', () => {
    expect(describePolicy(rules)).toBe('registry.npmjs.org, registry.yarnpkg.com, pypi.org, files.pythonhosted.org, *.cdn.example, plain.example');
  });
});
