import { describe, it, expect } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, signedHeaders, verifySignature, verifySignedRequest } from '../../src/deploy/signature.js';

const SECRET = 's'.repeat(32);
const NOW = Date.parse('2026-11-26T07:00:00Z');
const TS = Math.floor(NOW / 1000);

function signed(body: object, secret = SECRET) {
  const text = JSON.stringify(body);
  return { text, headers: signedHeaders(text, secret, String((body as { delivery_id?: unknown }).delivery_id), (body as { timestamp: number }).timestamp) };
}

describe('sign / verifySignature', () => {
  it('produces the hex HMAC-SHA256 any receiver can recompute', () => {
    const expected = createHmac('sha256', SECRET).update('{"a":1}').digest('hex');
    expect(sign('{"a":1}', SECRET)).toBe(`sha256=${expected}`);
    expect(verifySignature('{"a":1}', `sha256=${expected}`, SECRET)).toBe(true);
  });

  it('refuses another body, another secret, a malformed or a missing header', () => {
    const good = sign('{"a":1}', SECRET);
    expect(verifySignature('{"a":2}', good, SECRET)).toBe(false);
    expect(verifySignature('{"a":1}', good, 'other'.repeat(8))).toBe(false);
    expect(verifySignature('{"a":1}', good.slice(0, -2), SECRET)).toBe(false);
    expect(verifySignature('{"a":1}', good.replace('sha256=', 'sha1='), SECRET)).toBe(false);
    expect(verifySignature('{"a":1}', undefined, SECRET)).toBe(false);
  });
});

describe('verifySignedRequest', () => {
  it('accepts a signed body whose headers agree and whose timestamp is fresh', () => {
    const { text, headers } = signed({ delivery_id: 'd1', timestamp: TS, x: 1 });
    const result = verifySignedRequest(text, headers, SECRET, { now: NOW });
    expect(result).toMatchObject({ ok: true, deliveryId: 'd1', timestamp: TS, body: { x: 1 } });
  });

  it.each([
    ['a forged signature', () => ({ ...signed({ delivery_id: 'd', timestamp: TS }, 'x'.repeat(32)) }), 401, /signature/],
    ['a stale timestamp', () => signed({ delivery_id: 'd', timestamp: TS - 301 }), 401, /timestamp/],
    ['a timestamp from the future', () => signed({ delivery_id: 'd', timestamp: TS + 301 }), 401, /timestamp/],
    ['a body without delivery id', () => signed({ timestamp: TS }), 400, /delivery_id/],
    ['a non-integer timestamp', () => signed({ delivery_id: 'd', timestamp: TS + 0.5 }), 400, /timestamp/],
  ])('refuses %s', (_name, make, status, reason) => {
    const { text, headers } = make();
    const result = verifySignedRequest(text, headers, SECRET, { now: NOW });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(status);
    expect(result.reason).toMatch(reason);
  });

  it('refuses headers that disagree with the signed body', () => {
    const { text, headers } = signed({ delivery_id: 'd1', timestamp: TS });
    expect(verifySignedRequest(text, { ...headers, [DELIVERY_HEADER]: 'd2' }, SECRET, { now: NOW })).toMatchObject({ ok: false, status: 400 });
    expect(verifySignedRequest(text, { ...headers, [TIMESTAMP_HEADER]: String(TS + 1) }, SECRET, { now: NOW })).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses signed bodies that are not JSON objects', () => {
    for (const text of ['not json', '[1,2]', 'null']) {
      const result = verifySignedRequest(text, { [SIGNATURE_HEADER]: sign(text, SECRET) }, SECRET, { now: NOW });
      expect(result).toMatchObject({ ok: false, status: 400 });
    }
  });

  it('reads the first value of a repeated header', () => {
    const { text, headers } = signed({ delivery_id: 'd1', timestamp: TS });
    const repeated = { ...headers, [SIGNATURE_HEADER]: [headers[SIGNATURE_HEADER] ?? '', 'sha256=00'] };
    expect(verifySignedRequest(text, repeated, SECRET, { now: NOW }).ok).toBe(true);
  });
});
