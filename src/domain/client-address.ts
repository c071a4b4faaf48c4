/**
 * The key a client's address is counted under by the attempt limits. IPv4 addresses count one
 * by one; IPv6 addresses count by their /64 prefix, the smallest block one subscriber is usually
 * given (anyone holding a /64 can use 2^64 addresses, so counting single ones would limit
 * nothing). IPv4-mapped IPv6 addresses (::ffff:192.0.2.1) count as the IPv4 address they carry.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function clientAddressKey(address: string): string {
  const bare = address.trim().replace(/^\[|\]$/g, '');
  if (isIPv4(bare)) return bare;
  const zoneless = bare.split('%')[0] ?? '';
  if (!isIPv6(zoneless)) return bare;
  const groups = expandIPv6(zoneless.toLowerCase());
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with "::" and a dotted IPv4 tail expanded). */
function expandIPv6(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((g) => parseInt(g, 16));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}
