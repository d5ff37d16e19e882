/**
 * Deterministic input mutator for fuzzing SIP parsers: a seeded PRNG and stacked mutations (bit
 * flips, interesting bytes, truncation, duplicated/deleted/swapped lines, random bytes, huge headers,
 * thousands of Via lines, splices). Work is on latin1 strings so bytes map 1:1.
 */

/** mulberry32: small, fast, seedable; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Rnd = () => number;
const int = (rnd: Rnd, n: number): number => Math.floor(rnd() * n);
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[int(rnd, xs.length)] as T;

const INTERESTING = [
  '\r',
  '\n',
  '\r\n',
  '\r\n ',
  '\r\n\r\n',
  ':',
  ';',
  ',',
  '"',
  '\\',
  '<',
  '>',
  '[',
  ']',
  ' ',
  '\t',
  '\0',
  '\xff',
  '%',
  '=',
  '@',
];
const SNIPPETS = [
  'Content-Length: 99999\r\n',
  'l: 0\r\n',
  'Content-Length: -1\r\n',
  'Via: SIP/2.0/UDP [\r\n',
  'Via: SIP/2.0/UDP h;branch=z9hG4bK;rport;received=::1\r\n',
  'From: "\r\n',
  'To: <sip:\r\n',
  'CSeq: 99999999999 INVITE\r\n',
  'SIP/2.0 ',
  ' SIP/2.0\r\n',
  'i: \r\n',
  ' \r\n',
];

function lines(s: string): string[] {
  return s.split('\n');
}

function lineOp(s: string, rnd: Rnd, op: number): string {
  const ls = lines(s);
  const i = int(rnd, ls.length);
  if (op === 0) ls.splice(i, 0, ...Array<string>(1 + int(rnd, 5)).fill(ls[i] ?? ''));
  else if (op === 1) ls.splice(i, 1);
  else {
    const j = int(rnd, ls.length);
    [ls[i], ls[j]] = [ls[j] ?? '', ls[i] ?? ''];
  }
  return ls.join('\n');
}

function randomBytes(rnd: Rnd, n: number): string {
  let out = '';
  for (let k = 0; k < n; k++) out += String.fromCharCode(int(rnd, 256));
  return out;
}

function insertAt(s: string, pos: number, x: string): string {
  return s.slice(0, pos) + x + s.slice(pos);
}

/** Rare, expensive mutations: a huge header line, or thousands of Via lines. */
function bigMutation(s: string, rnd: Rnd): string {
  const end = s.indexOf('\r\n') + 2;
  if (rnd() < 0.5) return insertAt(s, end, `X-Huge: ${'a'.repeat(1000 + int(rnd, 70000))}\r\n`);
  const via = 'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKfuzz\r\n';
  return insertAt(s, end, via.repeat(1000 + int(rnd, 4000)));
}

function mutateOnce(s: string, rnd: Rnd, corpus: readonly string[]): string {
  const pos = int(rnd, s.length + 1);
  switch (int(rnd, 12)) {
    case 0: {
      const c = s.charCodeAt(pos) ^ (1 << int(rnd, 8));
      return s.slice(0, pos) + String.fromCharCode(c & 0xff) + s.slice(pos + 1);
    }
    case 1:
      return s.slice(0, pos) + pick(rnd, INTERESTING) + s.slice(pos + 1);
    case 2:
      return s.slice(0, pos);
    case 3:
    case 4:
    case 5:
      return lineOp(s, rnd, int(rnd, 3));
    case 6:
      return insertAt(s, pos, randomBytes(rnd, 1 + int(rnd, 64)));
    case 7:
      return insertAt(s, pos, pick(rnd, INTERESTING));
    case 8:
      return insertAt(s, s.indexOf('\n') + 1, pick(rnd, SNIPPETS));
    case 9:
      return s.replace(/Content-Length: \d+/i, `Content-Length: ${int(rnd, 2000)}`);
    case 10:
      return s.slice(0, pos) + pick(rnd, corpus).slice(int(rnd, 400));
    default:
      return randomBytes(rnd, int(rnd, 512));
  }
}

/** Returns a generator of mutated inputs: a corpus entry with 1–3 stacked mutations (rarely a huge one). */
export function createMutator(corpus: readonly Buffer[], seed: number): () => Buffer {
  const rnd = mulberry32(seed);
  const texts = corpus.map((b) => b.toString('latin1'));
  return () => {
    let s = pick(rnd, texts);
    if (rnd() < 0.003) s = bigMutation(s, rnd);
    const n = 1 + int(rnd, 3);
    for (let k = 0; k < n; k++) s = mutateOnce(s, rnd, texts);
    return Buffer.from(s, 'latin1');
  };
}
