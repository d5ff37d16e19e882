/**
 * Robustness: a deterministic mutation fuzzer (100,000 inputs) and fast-check properties. For every
 * input the parser returns a message or throws SipParseError, nothing else, in bounded time; every
 * message it accepts survives toBuffer → parse unchanged.
 */
import fc from 'fast-check';
import t from 'tap';
import { createMutator } from '../../test-support/sip-fuzz.js';
import { inviteText, okText, SAMPLE_SDP, sipText } from '../../test-support/sip-fixtures.js';
import { formatNameAddr, formatVia, parseNameAddr, parseVia } from './headers.js';
import { parseMessage, SipParseError } from './parser.js';
import type { SipMessage } from './sip-message.js';
import type { ParseLimits } from './types.js';
import { formatUri, parseUri } from './uri.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20260101);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 100000);

const ROUTE = ['Route: <sip:127.0.0.1:5080;lr>', 'Record-Route: <sip:[::1]:5090;lr;transport=tcp>'];
const CORPUS: Buffer[] = [
  inviteText(),
  inviteText({ host: '[::1]', extra: ['Subject: 会議', ' の件', 'Session-Expires: 1800;refresher=uac'] }),
  okText(),
  okText(''),
  sipText([
    'ACK sip:4000@127.0.0.1:5060 SIP/2.0',
    'v: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKa',
    'f: <sip:a@b>;tag=1',
    't: <sip:c@d>;tag=2',
    'i: x',
    'CSeq: 1 ACK',
    ...ROUTE,
  ]),
  sipText([
    'PRACK sip:4000@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/TCP h:5060;branch=z9hG4bKp',
    'From: "山田" <sip:y@h>;tag=1',
    'To: <sip:b@h>;tag=2',
    'Call-ID: p',
    'CSeq: 2 PRACK',
    'RAck: 1 1 INVITE',
  ]),
  sipText([
    'SUBSCRIBE sip:sales@cc.example.com SIP/2.0',
    'Via: SIP/2.0/WSS x.invalid;branch=z9hG4bKs',
    'From: <sip:c@h>;tag=1',
    'To: <sip:sales@cc.example.com>',
    'Call-ID: s',
    'CSeq: 1 SUBSCRIBE',
    'o: presence;id=1',
    'Expires: 3600',
    'Accept: application/pidf+xml',
  ]),
  sipText(
    [
      'NOTIFY sip:c@h SIP/2.0',
      'Via: SIP/2.0/UDP h;branch=z9hG4bKn',
      'From: <sip:s@h>;tag=2',
      'To: <sip:c@h>;tag=1',
      'Call-ID: s',
      'CSeq: 1 NOTIFY',
      'Event: presence',
      'Subscription-State: active;expires=3599',
      'Content-Type: application/pidf+xml',
    ],
    '<presence/>',
  ),
  sipText([
    'SIP/2.0 486 Busy Here',
    'Via: SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK1',
    'From: <sip:a@b>;tag=1',
    'To: <sip:c@d>;tag=9',
    'Call-ID: b',
    'CSeq: 1 INVITE',
  ]),
  sipText([
    'REGISTER sip:127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bKr',
    'From: <sip:a@127.0.0.1>;tag=1',
    'To: <sip:a@127.0.0.1>',
    'Call-ID: r',
    'CSeq: 1 REGISTER',
    'Contact: <sip:a@127.0.0.1:5072>;expires=60, "Desk" <sip:a@[::1]>;q=0.5',
  ]),
].map((s) => Buffer.from(s));

/** Headers minus Content-Length (toBuffer adds or rewrites it). */
const comparable = (m: SipMessage): [string, string][] =>
  m.headers.filter((h) => !/^(content-length|l)$/i.test(h.name)).map((h) => [h.name, h.value]);

function roundTrips(m: SipMessage, limits: Partial<ParseLimits>): boolean {
  const again = parseMessage(m.toBuffer(), { ...limits, maxBytes: 1 << 22 });
  return (
    JSON.stringify(again.startLine) === JSON.stringify(m.startLine) &&
    JSON.stringify(comparable(again)) === JSON.stringify(comparable(m)) &&
    again.body.equals(m.body)
  );
}

t.test(`mutation fuzzer: ${ITERATIONS} inputs`, (t) => {
  const next = createMutator(CORPUS, SEED);
  const codes = new Map<string, number>();
  let ok = 0;
  let maxMs = 0;
  const failures: string[] = [];
  const started = performance.now();
  for (let i = 0; i < ITERATIONS && failures.length < 5; i++) {
    const input = next();
    const limits: Partial<ParseLimits> = i % 10 === 0 ? { maxBytes: 1 << 20, maxHeaders: 10000 } : {};
    const t0 = performance.now();
    try {
      const m = parseMessage(input, limits);
      ok++;
      if (!roundTrips(m, limits)) failures.push(`round trip: ${input.toString('latin1').slice(0, 300)}`);
    } catch (e) {
      if (!(e instanceof SipParseError))
        failures.push(`${String(e)} for ${JSON.stringify(input.toString('latin1').slice(0, 300))}`);
      else {
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        e.partial?.toBuffer();
      }
    }
    maxMs = Math.max(maxMs, performance.now() - t0);
  }
  t.same(failures, [], 'only SipMessage or SipParseError, and accepted messages round-trip');
  t.ok(ok > ITERATIONS / 20, `a fair share parsed (${ok})`);
  t.ok(codes.size >= 8, `many error codes reached: ${JSON.stringify(Object.fromEntries(codes))}`);
  t.ok(
    maxMs < 2000,
    `slowest input ${maxMs.toFixed(1)} ms; total ${(performance.now() - started).toFixed(0)} ms`,
  );
  t.end();
});

const sipish = fc.string({
  unit: fc.constantFrom(...'sip:@[]<>;=,"\\ \t.%tel12aAbB?&/-_Z\r\nSIP/2.0 UDP'.split('')),
  maxLength: 60,
});

t.test('property: arbitrary bytes give a message or SipParseError', (t) => {
  const startLines = fc.constantFrom('INVITE sip:a@b SIP/2.0\r\n', 'SIP/2.0 200 OK\r\n', '');
  fc.assert(
    fc.property(startLines, fc.uint8Array({ maxLength: 600 }), (sl, bytes) => {
      try {
        parseMessage(Buffer.concat([Buffer.from(sl), bytes]));
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
      }
    }),
    { numRuns: 3000, seed: SEED },
  );
  t.pass('3000 runs');
  t.end();
});

const token = fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~]{1,12}$/);
const value = fc
  .string({ unit: 'grapheme', maxLength: 30 })
  .map((s) => s.replace(/[\r\n]/g, '').replace(/^[ \t]+|[ \t]+$/g, ''));

t.test('property: well-formed messages parse to exactly what was written', (t) => {
  const extra = fc.array(
    fc.tuple(
      token.map((n) => `X-${n}`),
      value,
    ),
    { maxLength: 12 },
  );
  fc.assert(
    fc.property(token, extra, fc.string({ unit: 'grapheme', maxLength: 200 }), (method, headers, body) => {
      const lines = [
        `${method} sip:u@[::1]:5060 SIP/2.0`,
        'Via: SIP/2.0/UDP [::1]:5072;branch=z9hG4bK1',
        'From: <sip:a@b>;tag=1',
        'To: <sip:c@d>',
        'Call-ID: x',
        `CSeq: 1 ${method}`,
        ...headers.map(([n, v]) => `${n}: ${v}`),
      ];
      const m = parseMessage(Buffer.from(sipText(lines, body)));
      const got = m.headers.slice(5, 5 + headers.length).map((h) => [h.name, h.value]);
      return (
        m.method === method && JSON.stringify(got) === JSON.stringify(headers) && m.body.toString() === body
      );
    }),
    { numRuns: 1000, seed: SEED },
  );
  t.pass('1000 runs');
  t.end();
});

t.test('property: codecs throw only SipParseError and round-trip what they accept', (t) => {
  const check =
    <T>(parse: (s: string) => T, format: (v: T) => string) =>
    (s: string) => {
      let v: T;
      try {
        v = parse(s);
      } catch (e) {
        if (e instanceof SipParseError) return true;
        throw e;
      }
      return (
        JSON.stringify(parse(format(v)), (_k, x: unknown) => (x instanceof Map ? [...x] : x)) ===
        JSON.stringify(v, (_k, x: unknown) => (x instanceof Map ? [...x] : x))
      );
    };
  const opts = { numRuns: 3000, seed: SEED };
  fc.assert(fc.property(sipish, check(parseUri, formatUri)), opts);
  fc.assert(
    fc.property(
      sipish.map((s) => `sip:${s}`),
      check(parseUri, formatUri),
    ),
    opts,
  );
  fc.assert(fc.property(sipish, check(parseNameAddr, formatNameAddr)), opts);
  fc.assert(
    fc.property(
      sipish.map((s) => `SIP/2.0/UDP ${s}`),
      check(parseVia, (v) => v.map(formatVia).join(', ')),
    ),
    opts,
  );
  t.pass('12000 runs');
  t.end();
});

t.test('corpus sanity: every seed message parses', (t) => {
  for (const c of CORPUS) t.ok(parseMessage(c).headers.length > 4);
  t.equal(parseMessage(CORPUS[0]!).body.toString(), SAMPLE_SDP);
  t.end();
});
