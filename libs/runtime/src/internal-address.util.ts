/**
 * Addresses a script's backend call may not connect to unless the operator allowed the service onto
 * the private network: whatever reaches the gateway itself, its neighbours or its cloud's metadata.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

const INTERNAL_IPV4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 included
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, 169.254.169.254 is the cloud metadata service
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, 255.255.255.255 included
];
const INTERNAL_IPV6: readonly [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
  ['ff00::', 8], // multicast
];

const internal = new BlockList();
for (const [network, prefix] of INTERNAL_IPV4) internal.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of INTERNAL_IPV6) internal.addSubnet(network, prefix, 'ipv6');

/**
 * True for loopback, private, link-local, unspecified, CGNAT, multicast and broadcast addresses,
 * IPv4-mapped IPv6 forms (::ffff:127.0.0.1) included: BlockList matches those against the IPv4 rules.
 * Anything that is not an IP address counts as internal, so a surprise never opens the door.
 */
export function isInternalAddress(address: string): boolean {
  if (isIPv4(address)) return internal.check(address, 'ipv4');
  if (isIPv6(address)) return internal.check(address, 'ipv6');
  return true;
}
