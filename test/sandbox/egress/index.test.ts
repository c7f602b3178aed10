import { describe, expect, it } from '@jest/globals';
import { BRIDGE_NODE_FLAGS, BRIDGE_SCRIPT, PROXY_URL, proxyEnvironment, withoutCredentials } from '../../../src/sandbox/egress/index.js';

describe('proxyEnvironment', () => {
  it("points every usual client at the bridge and tells npm the host's registry", () => {
    const env = proxyEnvironment('https://npm.corp.example/', {});
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'npm_config_proxy', 'npm_config_https_proxy', 'PIP_PROXY', 'YARN_HTTP_PROXY', 'YARN_HTTPS_PROXY']) {
      expect(env[name]).toBe(PROXY_URL);
    }
    expect(env.NO_PROXY).toBe('');
    expect(env.npm_config_registry).toBe('https://npm.corp.example/');
    expect(env.PIP_INDEX_URL).toBeUndefined();
  });

  it("passes pip's indexes on without the credentials in them", () => {
    const env = proxyEnvironment('https://registry.npmjs.org/', { PIP_INDEX_URL: 'https://bot:s3cret@pip.corp.example/simple', PIP_EXTRA_INDEX_URL: 'https://a.example/simple https://u:p@b.example/simple' });
    expect(env.PIP_INDEX_URL).toBe('https://pip.corp.example/simple');
    expect(env.PIP_EXTRA_INDEX_URL).toBe('https://a.example/simple https://b.example/simple');
    expect(JSON.stringify(env)).not.toContain('s3cret');
  });
});

describe('withoutCredentials', () => {
  it('leaves a URL without credentials, and text that is no URL, as it is', () => {
    expect(withoutCredentials('https://pypi.org/simple')).toBe('https://pypi.org/simple');
    expect(withoutCredentials('not a url')).toBe('not a url');
  });
});

describe('the bridge', () => {
  it('runs without V8 background threads (a process.exit that joined them hung on Node 24)', () => {
    expect(BRIDGE_NODE_FLAGS).toContain('--single-threaded');
    expect(BRIDGE_SCRIPT).toMatch(/assets\/sandbox\/egress-bridge\.mjs$/);
  });
});
