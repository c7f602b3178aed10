/**
 * Dashboard sessions: who signed in with GitHub, their user token (used only to ask GitHub what they
 * may read), and the session's CSRF secret. The cookie holds a random id and its HMAC signature —
 * nothing else — and is HttpOnly, SameSite=Lax, Secure on https, scoped to `/quality-gates`. Sessions
 * live in the web process's memory, bounded and expiring: a restart signs everyone out, and no user
 * token is ever written to disk. CSRF tokens come from the `csrf` package (a per-session secret,
 * a salted token per page).
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse, serialize } from 'cookie';
import Tokens from 'csrf';
import { LRUCache } from 'lru-cache';
import { DASHBOARD_PREFIX } from './paths.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'qg_session';

/** How long a session lasts: a working day. */
export const SESSION_TTL_MS = 8 * 3600 * 1000;

/** Sessions kept at most; the oldest go first. */
export const MAX_SESSIONS = 10_000;

/** One signed-in user. */
export interface Session {
  /** Random id (the cookie's value, before its signature). */
  id: string;
  /** GitHub login. */
  login: string;
  /** The user's token for the GitHub App (never shown, never written to disk). */
  token: string;
  /** Secret the CSRF tokens of this session are made from. */
  csrfSecret: string;
  /** Expiry (ms since epoch). */
  expiresAt: number;
}

/** The sessions of one web process. */
export class SessionStore {
  private readonly sessions: LRUCache<string, Session>;
  private readonly tokens = new Tokens();

  /**
   * @param secret Key of the cookie signatures.
   * @param secure Whether cookies get `Secure` (the public URL is https).
   * @param now Clock (tests).
   */
  constructor(
    private readonly secret: string,
    private readonly secure: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.sessions = new LRUCache({ max: MAX_SESSIONS });
  }

  /** Signs a value: `value.signature`. */
  sign(value: string): string {
    return `${value}.${createHmac('sha256', this.secret).update(value).digest('base64url')}`;
  }

  /** The value of a signed text, or undefined when the signature does not match. */
  unsign(signed: string): string | undefined {
    const dot = signed.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const value = signed.slice(0, dot);
    const expected = Buffer.from(this.sign(value));
    const given = Buffer.from(signed);
    return expected.length === given.length && timingSafeEqual(expected, given) ? value : undefined;
  }

  /** Starts a session; returns it and its `Set-Cookie` header. */
  create(login: string, token: string): { session: Session; cookie: string } {
    const session: Session = { id: randomBytes(24).toString('base64url'), login, token, csrfSecret: this.tokens.secretSync(), expiresAt: this.now() + SESSION_TTL_MS };
    this.sessions.set(session.id, session);
    return { session, cookie: this.cookie(SESSION_COOKIE, this.sign(session.id), SESSION_TTL_MS / 1000) };
  }

  /** The session a request's cookies name, when its signature holds and it has not expired. */
  fromCookieHeader(header: string | undefined): Session | undefined {
    const signed = parse(header ?? '')[SESSION_COOKIE];
    const id = signed === undefined ? undefined : this.unsign(signed);
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(session.id);
      return undefined;
    }
    return session;
  }

  /** Ends a session; returns the `Set-Cookie` header that clears the cookie. */
  destroy(session: Session | undefined): string {
    if (session) this.sessions.delete(session.id);
    return this.cookie(SESSION_COOKIE, '', 0);
  }

  /** A fresh CSRF token for a session's forms. */
  csrfToken(session: Session): string {
    return this.tokens.create(session.csrfSecret);
  }

  /** Whether a form's CSRF token belongs to the session. */
  verifyCsrf(session: Session, token: string | undefined): boolean {
    return token !== undefined && token !== '' && this.tokens.verify(session.csrfSecret, token);
  }

  /** A `Set-Cookie` header with the dashboard's attributes. */
  cookie(name: string, value: string, maxAgeSeconds: number): string {
    return serialize(name, value, { httpOnly: true, sameSite: 'lax', secure: this.secure, path: DASHBOARD_PREFIX, maxAge: maxAgeSeconds });
  }

  /** A cookie's value from a request's header. */
  static read(header: string | undefined, name: string): string | undefined {
    return parse(header ?? '')[name];
  }
}

/**
 * The key of the session cookies: `QG_SESSION_SECRET`, else derived from the app's private key (so a
 * restart keeps the key, and nothing new needs configuring).
 * @param env Process environment.
 */
export function sessionSecretFrom(env: NodeJS.ProcessEnv): string {
  if (env.QG_SESSION_SECRET) return env.QG_SESSION_SECRET;
  const base = env.PRIVATE_KEY ?? env.WEBHOOK_SECRET ?? randomBytes(32).toString('hex');
  return createHmac('sha256', base).update('quality-gates dashboard sessions').digest('hex');
}
