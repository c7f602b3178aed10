import { describe, expect, it } from '@jest/globals';
import { hostNpmRegistries, NPM_DEFAULT_REGISTRY, registriesFromConfig } from '../../../src/sandbox/egress/registries.js';

describe('registriesFromConfig', () => {
  it('takes the registry first, then every scoped registry, once each', () => {
    expect(registriesFromConfig({ registry: 'https://npm.corp.example/', '@corp:registry': 'https://scoped.example/', '@x:registry': 'https://npm.corp.example/', cafile: '/etc/ssl/x.pem' })).toEqual([
      'https://npm.corp.example/',
      'https://scoped.example/',
    ]);
  });

  it("falls back to npm's public registry", () => {
    expect(registriesFromConfig({})).toEqual([NPM_DEFAULT_REGISTRY]);
  });
});

describe('hostNpmRegistries', () => {
  it('asks the npm of this machine once and answers every caller the same', async () => {
    const first = hostNpmRegistries();
    expect(hostNpmRegistries()).toBe(first);
    const registries = await first;
    expect(registries[0]).toMatch(/^https?:\/\//);
  });
});
