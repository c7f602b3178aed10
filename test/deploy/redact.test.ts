import { describe, it, expect } from '@jest/globals';
import { REDACTED, redact, redactUrl, urlSecretParts } from '../../src/deploy/redact.js';

const HUB = 'https://hub.docker.com/api/build/v1/source/2f1e3a4b-5c6d-7e8f-9a0b-1c2d3e4f5a6b/trigger/call/';

describe('redact', () => {
  it('shows a URL as its host', () => {
    expect(redactUrl(HUB)).toBe('hub.docker.com');
    expect(redactUrl('::nonsense')).toBe(REDACTED);
    expect(redact(`POST ${HUB} failed`, [HUB])).toBe('POST <hub.docker.com> failed');
  });

  it('removes echoed parts of a secret URL and plain secrets', () => {
    const text = 'refused /api/build/v1/source/2f1e3a4b-5c6d-7e8f-9a0b-1c2d3e4f5a6b/trigger/call/ and 2f1e3a4b-5c6d-7e8f-9a0b-1c2d3e4f5a6b with key hmac-key-123';
    const out = redact(text, [HUB, 'hmac-key-123', '', undefined]);
    expect(out).not.toContain('2f1e3a4b');
    expect(out).not.toContain('hmac-key-123');
    expect(out).toContain('refused');
  });

  it('finds the password, the query values and long path segments of a URL', () => {
    expect(urlSecretParts('https://user:pw-123@example.com/a/abcdefghijklmnopqrst?token=t0k')).toEqual(
      expect.arrayContaining(['pw-123', 'abcdefghijklmnopqrst', 't0k', '?token=t0k']),
    );
    expect(urlSecretParts('not a url')).toEqual([]);
  });
});
