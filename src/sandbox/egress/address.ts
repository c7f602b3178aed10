/**
 * Which resolved addresses the install phase's egress proxy may connect to. A registry is a public
 * service: an address that belongs to the host itself, its site or its cloud provider is refused, so a
 * name that resolves there (an attacker's DNS pointing at 127.0.0.1, or 169.254.169.254) gets nowhere.
 * IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4) are judged by the address they carry.
 * @module
 */
import ipaddr from 'ipaddr.js';

/** IPv4 ranges (as ipaddr.js names them) that are the host's, the site's or the provider's own. */
const REFUSED_V4: Readonly<Record<string, string>> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address (cloud metadata lives there)',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
};

/** IPv6 ranges refused outright (ranges that embed an IPv4 address are judged by it instead). */
const REFUSED_V6: Readonly<Record<string, string>> = {
  unspecified: 'an unspecified address',
  linkLocal: 'a link-local address',
  multicast: 'a multicast address',
  loopback: 'a loopback address',
  uniqueLocal: 'a unique-local (private) address',
  deprecatedSiteLocal: 'a site-local address',
  discard: 'a discard-only address',
  // Teredo obfuscates the IPv4 address it tunnels to: what it reaches cannot be judged.
  teredo: 'a Teredo tunnel address',
};

/** The IPv4 address an IPv6 address carries, for the ranges that embed one. */
function embeddedV4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range();
  const bytes = address.toByteArray();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return new ipaddr.IPv4(bytes.slice(12, 16));
  // 6to4: 2002:AABB:CCDD::/48 tunnels to AA.BB.CC.DD.
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));
  return undefined;
}

/**
 * Why the proxy must not connect to `address`, or undefined when it is a public address.
 * @param address An IPv4 or IPv6 address as text (as `dns.lookup` returns it).
 */
export function refusedAddress(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    const carried = embeddedV4(v6);
    if (carried !== undefined) {
      const why = REFUSED_V4[carried.range()];
      return why === undefined ? undefined : `${why} inside an IPv6 address`;
    }
    return REFUSED_V6[v6.range()];
  }
  return REFUSED_V4[parsed.range()];
}

/** Whether `host` is written as an IP address (dotted IPv4, or IPv6 with or without brackets) rather than a name. */
export function isIpLiteral(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  // ipaddr.js also accepts the shorthand forms the C resolver does (`127.1`, `0x7f000001`); all of them are literals.
  return ipaddr.isValid(bare) || /^[0-9.]+$/.test(bare) || /^0x[0-9a-f]+$/i.test(bare);
}
