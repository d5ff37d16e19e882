/**
 * Hostile SIP input for network-level robustness tests: a corpus of valid messages (INVITE,
 * REGISTER, in-dialog requests, responses), hand-made nasties (oversized bodies, thousands of
 * Via/Route lines, header-injection attempts, binary garbage) and a seeded generator mixing
 * mutations of the corpus (test-support/sip-fuzz.ts) with those. Every input stays on loopback:
 * nothing in it names a host the engine could send to other than the sender itself (no maddr).
 */
import { createMutator, mulberry32 } from './sip-fuzz.js';
import { inviteText, okText, sipText } from './sip-fixtures.js';

const BRANCH = 'z9hG4bK-524287-1';
const CALL_ID = '3848276298220188511@atlanta.example.com';

function request(method: string, extra: readonly string[] = [], body = ''): string {
  return sipText(
    [
      `${method} sip:4000@127.0.0.1:5060 SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:5072;branch=${BRANCH};rport`,
      'Max-Forwards: 70',
      'From: <sip:alice@127.0.0.1:5072>;tag=9fxced76sl',
      'To: <sip:4000@127.0.0.1:5060>',
      `Call-ID: ${CALL_ID}`,
      `CSeq: 2 ${method}`,
      ...extra,
    ],
    body,
  );
}

function response(status: string, method: string): string {
  return sipText([
    `SIP/2.0 ${status}`,
    `Via: SIP/2.0/UDP 127.0.0.1:5060;branch=${BRANCH};received=127.0.0.1`,
    'From: <sip:4000@127.0.0.1:5060>;tag=abc',
    'To: <sip:bob@127.0.0.1:5072>;tag=def',
    `Call-ID: ${CALL_ID}`,
    `CSeq: 1 ${method}`,
  ]);
}

export function hostileCorpus(): Buffer[] {
  const texts = [
    inviteText(),
    inviteText({ extra: ['Session-Expires: 1800;refresher=uac', 'Route: <sip:127.0.0.1;lr>'] }),
    request('REGISTER', ['Contact: <sip:alice@127.0.0.1:5072>;expires=3600', 'Expires: 3600']),
    request('REGISTER', ['Contact: *', 'Expires: 0']),
    request('OPTIONS', ['Accept: application/sdp']),
    request('BYE', ['To: <sip:4000@127.0.0.1:5060>;tag=zz']),
    request('ACK'),
    request('CANCEL'),
    request('SUBSCRIBE', ['Event: presence', 'Expires: 600', 'Contact: <sip:alice@127.0.0.1:5072>']),
    request('MESSAGE', ['Content-Type: text/plain'], 'hello'),
    okText(),
    response('180 Ringing', 'INVITE'),
    response('486 Busy Here', 'INVITE'),
    response('200 OK', 'REGISTER'),
  ];
  return texts.map((t) => Buffer.from(t, 'latin1'));
}

/** Hand-made hostile messages; `stream` allows the ones too big for one UDP datagram. */
export function hostileSpecials(stream: boolean): Buffer[] {
  const big = stream ? 60000 : 30000;
  const vias = Array.from(
    { length: 3000 },
    (_, i) => `Via: SIP/2.0/UDP 127.0.0.1:${5000 + (i % 900)};branch=z9hG4bKv${i}`,
  );
  const routes = Array.from({ length: 3000 }, (_, i) => `Route: <sip:127.0.0.1:${5000 + (i % 900)};lr>`);
  const texts = [
    inviteText({ body: 'x'.repeat(big) }),
    inviteText({ extra: ['Content-Length: 4000000'] }),
    sipText(inviteText().split('\r\n').slice(0, 3), '', 99999999),
    inviteText({ extra: vias.slice(0, stream ? 3000 : 700) }),
    inviteText({ extra: routes.slice(0, stream ? 3000 : 900) }),
    inviteText({ extra: ['Subject: hi\rVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKinj'] }),
    inviteText({ extra: ['Subject: hi\nX-Injected: yes'] }),
    inviteText({ extra: ['Subject: a\0b', 'X-Nul\0: v'] }),
    inviteText({ extra: [`X-Long: ${'y'.repeat(stream ? 50000 : 20000)}`] }),
    inviteText({ extra: Array.from({ length: 400 }, (_, i) => `X-H${i}: v`) }),
    `INVITE sip:${'a'.repeat(20000)}@127.0.0.1 SIP/2.0\r\n\r\n`,
    '\r\n\r\n\r\n\r\n',
    'SIP/2.0 200 OK\r\n\r\n',
  ];
  return texts.map((t) => Buffer.from(t, 'latin1'));
}

/** `n` random bytes from `rnd`. */
function garbage(rnd: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

/**
 * A seeded stream of hostile inputs: ~88% mutated corpus messages (half with a fresh branch and
 * Call-ID so they start new transactions), ~7% random binary, ~5% hand-made specials. Inputs over
 * `maxBytes` are cut to it; inputs naming `maddr` are dropped (responses must stay on loopback).
 */
export function hostileGenerator(seed: number, opts: { stream: boolean; maxBytes: number }): () => Buffer {
  const rnd = mulberry32(seed);
  const mutate = createMutator(hostileCorpus(), seed ^ 0x5eed);
  const specials = hostileSpecials(opts.stream);
  let n = 0;
  const one = (): Buffer => {
    const r = rnd();
    if (r < 0.05) return specials[Math.floor(rnd() * specials.length)] ?? Buffer.alloc(0);
    if (r < 0.12) return garbage(rnd, 1 + Math.floor(rnd() * 1500));
    const m = mutate();
    if (rnd() < 0.5) return m;
    n++;
    const text = m
      .toString('latin1')
      .replace(BRANCH, `z9hG4bK-fz${seed}-${n}`)
      .replace(CALL_ID, `fz-${seed}-${n}`);
    return Buffer.from(text, 'latin1');
  };
  return () => {
    for (;;) {
      const b = one();
      if (b.includes('maddr')) continue;
      return b.length > opts.maxBytes ? b.subarray(0, opts.maxBytes) : b;
    }
  };
}
