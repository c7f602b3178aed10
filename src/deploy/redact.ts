/**
 * Keeping secrets out of logs, check runs and errors. Docker Hub trigger URLs carry their token in the
 * path and webhook URLs may carry one in the query, so a URL is only ever shown as its host.
 * @module
 */

/** What stands in for a removed secret. */
export const REDACTED = '[redacted]';

/** The host of `url` (`hub.docker.com`), or a placeholder when it does not parse. */
export function redactUrl(url: string): string {
  try {
    return new URL(url).host || REDACTED;
  } catch {
    return REDACTED;
  }
}

/**
 * Shortest path segment or query value of a secret URL that is redacted on its own: tokens (Docker
 * Hub's are UUIDs, 36 characters) are long, while words such as `trigger` or `call` are not worth hiding.
 */
const MIN_TOKEN_CHARS = 16;

/**
 * The parts of a secret URL that betray it when a receiver echoes them (an error page quoting the
 * request path): path with query, path, query, password, and every long segment or query value.
 */
export function urlSecretParts(secret: string): string[] {
  let url: URL;
  try {
    url = new URL(secret);
  } catch {
    return [];
  }
  const parts = [`${url.pathname}${url.search}`, url.search, url.password];
  if (url.pathname.length > 1) parts.push(url.pathname);
  for (const segment of url.pathname.split('/')) if (segment.length >= MIN_TOKEN_CHARS) parts.push(segment);
  for (const value of url.searchParams.values()) parts.push(value);
  return parts.filter((part) => part.length > 1);
}

/**
 * `text` with every occurrence of each secret replaced: a URL by its host (and any echoed part of its
 * path or query by {@link REDACTED}), anything else by {@link REDACTED}. Empty secrets are ignored.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  const given = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);
  const all = [...given, ...given.filter(isUrl).flatMap(urlSecretParts)];
  let out = text;
  // Longest first, so that a secret containing another is removed whole.
  for (const secret of [...new Set(all)].sort((a, b) => b.length - a.length)) {
    const replacement = isUrl(secret) ? `<${redactUrl(secret)}>` : REDACTED;
    out = out.split(secret).join(replacement);
  }
  return out;
}
