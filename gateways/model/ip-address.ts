/**
 * IPv4 and IPv6 addresses and CIDR prefixes as bytes, for source identification. Pure parsing, no
 * name resolution. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2) are read as
 * the IPv4 address they carry, so a dual-stack socket's peer matches IPv4 sources.
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

export interface IpPrefix extends IpAddress {
  /** Leading bits that must match (0..32 or 0..128). */
  readonly length: number;
}

/** Why a CIDR was refused (a value: config validation lists them all). */
export type CidrProblem = 'not-an-address' | 'bad-length' | 'host-bits-set';

const IPV4_PART = /^(0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    // Leading zeros are refused: "010" is octal to some parsers and decimal to others.
    if (!IPV4_PART.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    bytes[i] = n;
  }
  return bytes;
}

/** Groups of one side of `::` (RFC 4291 §2.2), the last one possibly a dotted IPv4 (form 3). */
function ipv6Groups(side: string, allowIpv4Tail: boolean): number[] | undefined {
  if (side === '') return [];
  const groups: number[] = [];
  const parts = side.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (allowIpv4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (!v4) return undefined;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else if (IPV6_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = ipv6Groups(halves[0] ?? '', false);
    const tail = ipv6Groups(halves[1] ?? '', true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = ipv6Groups(text, true);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

function isMappedIpv4(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * Parses `192.0.2.1`, `2001:db8::1`, `[2001:db8::1]`, `fe80::1%eth0` (the zone is dropped).
 * IPv4-mapped IPv6 becomes IPv4. Undefined when it is not an address.
 */
export function parseIp(text: string): IpAddress | undefined {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(':')) {
    const v4 = parseIpv4(s);
    return v4 ? { family: 4, bytes: v4 } : undefined;
  }
  const v6 = parseIpv6(s);
  if (!v6) return undefined;
  return isMappedIpv4(v6) ? { family: 4, bytes: v6.slice(12) } : { family: 6, bytes: v6 };
}

/** Bit `i` (0 = most significant) of `bytes`. */
export function bitAt(bytes: Uint8Array, i: number): 0 | 1 {
  return (((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) as 0 | 1;
}

function hostBitsSet(bytes: Uint8Array, length: number): boolean {
  for (let i = length; i < bytes.length * 8; i++) if (bitAt(bytes, i) === 1) return true;
  return false;
}

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). Host bits below the prefix
 * must be zero (`10.0.0.1/8` is refused as a probable typo). A mapped IPv6 prefix of at least /96
 * becomes the IPv4 prefix it covers.
 */
export function parseCidr(text: string): IpPrefix | CidrProblem {
  const slash = text.indexOf('/');
  const addr = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!addr) return 'not-an-address';
  const mapped = addr.family === 4 && text.includes(':');
  const max = addr.family === 4 ? 32 : 128;
  let length = max;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1).trim();
    if (!/^[0-9]{1,3}$/.test(lenText)) return 'bad-length';
    length = Number(lenText) - (mapped ? 96 : 0);
    if (length < 0 || length > max) return 'bad-length';
  }
  if (hostBitsSet(addr.bytes, length)) return 'host-bits-set';
  return { family: addr.family, bytes: addr.bytes, length };
}

/** `a.b.c.d/len` or compressed-free `x:x:...:x/len`, for messages and keys. */
export function formatPrefix(p: IpPrefix): string {
  if (p.family === 4) return `${[...p.bytes].join('.')}/${p.length}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((p.bytes[i] ?? 0) << 8) | (p.bytes[i + 1] ?? 0)).toString(16));
  return `${groups.join(':')}/${p.length}`;
}
