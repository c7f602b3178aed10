import { describe, expect, it } from '@jest/globals';
import { sessionSecretFrom, SessionStore, SESSION_TTL_MS } from '../../src/dashboard/session.js';
import { adminsFrom, GitHubAuth, githubUrlsFrom } from '../../src/dashboard/github-auth.js';

const cookieValue = (header: string) => header.split(';')[0] ?? '';

describe('sessions', () => {
  it('sets a signed HttpOnly SameSite cookie, and refuses a tampered or expired one', () => {
    let now = 1_000;
    const store = new SessionStore('secret', true, () => now);
    const { session, cookie } = store.create('octocat', 'ghu_token');
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\/quality-gates/);
    expect(cookie).not.toContain('ghu_token');
    expect(store.fromCookieHeader(cookieValue(cookie))?.login).toBe('octocat');
    expect(store.fromCookieHeader(cookieValue(cookie).replace(session.id, `${session.id.slice(0, -1)}x`))).toBeUndefined();
    expect(new SessionStore('other secret', true).fromCookieHeader(cookieValue(cookie))).toBeUndefined();
    expect(store.fromCookieHeader(undefined)).toBeUndefined();
    now += SESSION_TTL_MS;
    expect(store.fromCookieHeader(cookieValue(cookie))).toBeUndefined();
  });

  it('takes QG_SESSION_SECRET, or derives a stable key from the app\'s private key', () => {
    expect(sessionSecretFrom({ QG_SESSION_SECRET: 's' })).toBe('s');
    expect(sessionSecretFrom({ PRIVATE_KEY: 'k' })).toBe(sessionSecretFrom({ PRIVATE_KEY: 'k' }));
    expect(sessionSecretFrom({ PRIVATE_KEY: 'k' })).not.toBe(sessionSecretFrom({ PRIVATE_KEY: 'j' }));
  });
});

describe('GitHub sign-in settings', () => {
  it('uses github.com, or the Enterprise host of GHE_HOST', () => {
    expect(githubUrlsFrom({})).toEqual({ web: 'https://github.com', api: 'https://api.github.com' });
    expect(githubUrlsFrom({ GHE_HOST: 'ghe.example.com' })).toEqual({ web: 'https://ghe.example.com', api: 'https://ghe.example.com/api/v3' });
  });

  it('reads QG_ADMINS as logins of any case, comma or space separated', () => {
    expect([...adminsFrom({ QG_ADMINS: 'OctoCat, hubot  mona' })]).toEqual(['octocat', 'hubot', 'mona']);
    expect(adminsFrom({}).size).toBe(0);
  });

  it('refuses access, and fails a sign-in, when GitHub does not answer', async () => {
    // Nothing listens on port 9 of this machine: the request fails at once.
    const auth = new GitHubAuth({ web: 'http://127.0.0.1:9', api: 'http://127.0.0.1:9' }, { id: 'id', secret: 's' });
    expect(await auth.repositoryAccess('session', 'token', 'o', 'r')).toEqual({ read: false, push: false });
    await expect(auth.signIn('code', 'http://back')).rejects.toThrow();
    expect(auth.authorizeUrl('http://back/cb', 'st8')).toBe('http://127.0.0.1:9/login/oauth/authorize?client_id=id&redirect_uri=http%3A%2F%2Fback%2Fcb&state=st8');
  });
});
