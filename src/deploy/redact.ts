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
 * `text` with every occurrence of each secret replaced: a URL by its host, anything else by
 * {@link REDACTED}. Empty secrets are ignored.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  // Longest first, so that a secret containing another is removed whole.
  const sorted = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0).sort((a, b) => b.length - a.length);
  for (const secret of sorted) {
    const replacement = /^[a-z][a-z0-9+.-]*:\/\//i.test(secret) ? `<${redactUrl(secret)}>` : REDACTED;
    out = out.split(secret).join(replacement);
  }
  return out;
}
