// Which IP addresses a webhook may be sent to. A webhook URL is chosen by a customer, so
// without this check it would let anyone make our servers call our own network: the cloud
// metadata service (credentials!), internal services, or this machine.
import { BlockList, isIP } from 'node:net';

export interface WebhookPolicy {
  /** Plain http is allowed only in local mode. */
  allowHttp: boolean;
  /** Local mode with SWITCHYARD_ALLOW_PRIVATE_WEBHOOKS=1: loopback (and only loopback) allowed. */
  allowLoopback: boolean;
}

export const STRICT_POLICY: WebhookPolicy = { allowHttp: false, allowLoopback: false };

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const forbidden = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // CGNAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, including 169.254.169.254 (metadata)
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local (ULA), including fd00:ec2::254 (AWS metadata over IPv6)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
  ['ff00::', 8], // multicast
  ['2001:db8::', 32], // documentation
  ['100::', 64], // discard
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv6');
}

/** IPv6 forms that carry an IPv4 address: mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96), compatible (::a.b.c.d). */
const embeddedIpv4 = (address: string): string | undefined => {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::|::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::|::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
};

/** Why an address may not receive webhooks, or undefined when it may. */
export const addressProblem = (address: string, policy: WebhookPolicy): string | undefined => {
  const family = isIP(address);
  if (family === 0) return `"${address}" is not an IP address`;
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return addressProblem(v4, policy);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (policy.allowLoopback && loopback.check(address, type)) return undefined;
  return forbidden.check(address, type) ? `${address} is a loopback, private, link-local or metadata address` : undefined;
};
