import { describe, expect, it } from '@jest/globals';
import { isIpLiteral, refusedAddress } from '../../../src/sandbox/egress/address.js';

describe('refusedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'carrier-grade NAT'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback address inside an IPv6'],
    ['::ffff:10.0.0.1', 'private address inside an IPv6'],
    ['64:ff9b::a9fe:a9fe', 'link-local address (cloud metadata lives there) inside an IPv6'],
    ['2002:7f00:0001::1', 'loopback address inside an IPv6'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
  ])('refuses %s (%s)', (address, why) => {
    expect(refusedAddress(address)).toContain(why);
  });

  it.each(['104.16.0.35', '203.0.113.80', '2606:4700::6810:123', '::ffff:104.16.0.35', '64:ff9b::6810:23', '2002:6810:0023::1'])(
    'lets the public address %s through',
    (address) => {
      expect(refusedAddress(address)).toBeUndefined();
    },
  );

  it('refuses what is not an address at all', () => {
    expect(refusedAddress('registry.npmjs.org')).toBe('not an IP address');
  });
});

describe('isIpLiteral', () => {
  it.each(['127.0.0.1', '[::1]', '::1', '127.1', '2130706433', '0x7f000001', '017700000001'])('takes %s for an address', (host) => {
    expect(isIpLiteral(host)).toBe(true);
  });

  it.each(['registry.npmjs.org', 'localhost', '7f.example', 'x127.0.0.1'])('takes %s for a name', (host) => {
    expect(isIpLiteral(host)).toBe(false);
  });
});
