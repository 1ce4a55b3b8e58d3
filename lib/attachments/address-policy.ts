import { BlockList, isIP } from "node:net";

// Which addresses the server may fetch an attachment URL from. Fetching a URL someone typed is
// a server-side request forgery risk: the URL could point at the database, the cloud metadata
// service (169.254.169.254) or anything else only the server can reach. Every address a host
// name resolves to is checked, at connection time (lib/attachments/fetch-remote-file.ts), so a
// DNS answer that changes between check and use cannot slip through.

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata services
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/**
 * True when `address` (an IP literal) is private, loopback, link-local or otherwise not on the
 * public internet. IPv4 addresses embedded in IPv6 (::ffff:a.b.c.d, 64:ff9b::a.b.c.d,
 * ::a.b.c.d) are judged by their IPv4 part. Anything that is not an IP address counts as private.
 */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return blocked.check(address, "ipv4");
  if (version !== 6) return true;
  const embedded = embeddedIpv4(address);
  if (embedded) return blocked.check(embedded, "ipv4");
  return blocked.check(address, "ipv6");
}

// IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96) and well-known NAT64 (64:ff9b::/96)
// addresses reach an IPv4 host; written either dotted (::ffff:127.0.0.1) or in hex (::ffff:7f00:1).
function embeddedIpv4(address: string): string | null {
  const groups = expandIpv6(address);
  if (!groups) return null;
  const prefix = groups.slice(0, 6).map((group) => group.toString(16)).join(":");
  const mapped = prefix === "0:0:0:0:0:ffff" || prefix === "0:0:0:0:0:0" || prefix === "64:ff9b:0:0:0:0";
  if (!mapped) return null;
  const [high, low] = [groups[6], groups[7]];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase().split("%")[0];
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const octets = dotted[1].split(".").map(Number);
    text = text.slice(0, -dotted[1].length) + `${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const parse = (part: string | undefined) => (part ? part.split(":").map((group) => parseInt(group, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const groups = text.includes("::") ? [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right] : left;
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : null;
}
