import t from 'tap';
import { inviteText, okText, SAMPLE_SDP, sipText } from '../../test-support/sip-fixtures.js';
import { parseCSeq, parseNameAddr, parseVia } from './headers.js';
import { DEFAULT_PARSE_LIMITS, findMessageEnd, parseMessage, SipParseError } from './parser.js';
import type { SipMessage } from './sip-message.js';
import type { ParseLimits } from './types.js';

const parse = (s: string | Buffer, limits?: Partial<ParseLimits>): SipMessage =>
  parseMessage(typeof s === 'string' ? Buffer.from(s) : s, limits);

/** The SipParseError thrown by parsing `s` (fails the test if none or another error is thrown). */
function parseError(s: string | Buffer, limits?: Partial<ParseLimits>): SipParseError {
  try {
    parse(s, limits);
  } catch (e) {
    if (e instanceof SipParseError) return e;
    throw e;
  }
  throw new Error('parsed without error');
}

const BASE = [
  'OPTIONS sip:4000@127.0.0.1 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK-o1',
  'From: <sip:a@127.0.0.1>;tag=1',
  'To: <sip:4000@127.0.0.1>',
  'Call-ID: o1@127.0.0.1',
  'CSeq: 7 OPTIONS',
];
/** BASE with header `name` (matched by prefix) replaced by `line`, or removed when line is null. */
function withHeader(name: string, line: string | null): string[] {
  const out = BASE.filter((l) => !l.startsWith(`${name}:`));
  if (line !== null) out.push(line);
  return out;
}

t.test('INVITE with SDP', (t) => {
  const m = parse(inviteText());
  t.same(m.startLine, { kind: 'request', method: 'INVITE', uri: 'sip:4000@127.0.0.1:5060' });
  t.equal(m.method, 'INVITE');
  t.equal(m.get('call-id'), '3848276298220188511@atlanta.example.com');
  t.equal(m.get('max-forwards'), '70');
  t.equal(m.body.toString('utf8'), SAMPLE_SDP);
  t.equal(m.get('content-length'), String(Buffer.byteLength(SAMPLE_SDP)));
  t.equal(parseNameAddr(m.get('from') ?? '').params.get('tag'), '9fxced76sl');
  t.end();
});

t.test('response with several Vias, one line holding two', (t) => {
  const m = parse(okText());
  t.same(m.startLine, { kind: 'response', status: 200, reason: 'OK' });
  t.equal(m.status, 200);
  t.equal(m.method, 'INVITE');
  t.equal(m.getAll('via').length, 2);
  t.same(
    m.getAll('via').flatMap((v) => parseVia(v).map((x) => x.params.get('branch'))),
    ['z9hG4bK-p2', 'z9hG4bK-p1', 'z9hG4bK-524287-1'],
  );
  t.equal(
    parse('SIP/2.0 180\r\n' + okText('').split('\r\n').slice(1).join('\r\n')).startLine.kind,
    'response',
  );
  const noReason = parse(['SIP/2.0 180', ...okText('').split('\r\n').slice(1)].join('\r\n'));
  t.same(noReason.startLine, { kind: 'response', status: 180, reason: '' });
  const longReason = parse(
    ['SIP/2.0 486 Busy Here  (really)', ...okText('').split('\r\n').slice(1)].join('\r\n'),
  );
  t.same(longReason.startLine, { kind: 'response', status: 486, reason: 'Busy Here  (really)' });
  t.end();
});

t.test('folded headers (RFC 3261 §7.3.1) and compact forms (§7.3.3)', (t) => {
  const text = sipText(
    [
      'MESSAGE sip:bob@127.0.0.1 SIP/2.0',
      'v: SIP/2.0/UDP 127.0.0.1:5072',
      '   ;branch=z9hG4bK-f1',
      'f: <sip:a@127.0.0.1>',
      '\t;tag=1',
      't: <sip:bob@127.0.0.1>',
      'i: f1@127.0.0.1',
      'CSeq : 1',
      ' MESSAGE',
      'Subject: line one',
      '  line two',
      'c: text/plain',
    ],
    'hi',
  );
  const m = parse(text);
  t.equal(m.get('via'), 'SIP/2.0/UDP 127.0.0.1:5072 ;branch=z9hG4bK-f1');
  t.equal(parseVia(m.get('via') ?? '')[0]?.params.get('branch'), 'z9hG4bK-f1');
  t.equal(m.get('from'), '<sip:a@127.0.0.1> ;tag=1');
  t.equal(m.get('subject'), 'line one line two');
  t.same(parseCSeq(m.get('cseq') ?? ''), { seq: 1, method: 'MESSAGE' });
  t.equal(m.headers.find((h) => h.value === 'f1@127.0.0.1')?.name, 'i', 'wire name kept');
  t.equal(m.get('content-type'), 'text/plain');
  t.equal(m.body.toString(), 'hi');
  t.end();
});

t.test('UTF-8 display names and bodies; IPv6', (t) => {
  const body = 'こんにちは';
  const m = parse(
    sipText(
      [
        'MESSAGE sip:bob@[::1]:5060;transport=udp SIP/2.0',
        'Via: SIP/2.0/UDP [::1]:5072;branch=z9hG4bK-u1;rport',
        'From: "山田 太郎" <sip:yamada@[::1]:5072>;tag=j1',
        'To: "Bob Müller" <sip:bob@[::1]:5060>',
        'Call-ID: u1@[::1]',
        'CSeq: 2 MESSAGE',
        'Content-Type: text/plain;charset=UTF-8',
      ],
      body,
    ),
  );
  t.equal(m.startLine.kind === 'request' && m.startLine.uri, 'sip:bob@[::1]:5060;transport=udp');
  t.equal(parseNameAddr(m.get('from') ?? '').displayName, '山田 太郎');
  t.equal(parseNameAddr(m.get('to') ?? '').displayName, 'Bob Müller');
  t.equal(parseVia(m.get('via') ?? '')[0]?.host, '::1');
  t.equal(m.body.length, Buffer.byteLength(body));
  t.equal(m.body.toString('utf8'), body);
  t.end();
});

t.test('lenient framing: leading CRLFs, bare LF, body cut to Content-Length', (t) => {
  t.equal(parse(`\r\n\r\n${inviteText()}`).method, 'INVITE', 'CRLF before the start line (§7.5)');
  const lfBody = SAMPLE_SDP.replace(/\r\n/g, '\n');
  const lf = parse(sipText(BASE, lfBody).replace(/\r\n/g, '\n'));
  t.equal(lf.get('cseq'), '7 OPTIONS');
  t.equal(lf.body.toString(), lfBody);
  t.equal(parse(`${sipText(BASE, 'abc')}trailing junk`).body.toString(), 'abc', 'datagram rule §18.3');
  t.equal(parse(`${sipText(BASE, '', null)}rest of datagram`).body.toString(), 'rest of datagram');
  t.equal(
    parse(sipText(withHeader('Max-Forwards', null))).get('max-forwards'),
    undefined,
    'Max-Forwards may be missing',
  );
  t.equal(parse(sipText(BASE)).body.length, 0);
  t.equal(
    parse(sipText(['ACK sip:4000@127.0.0.1 SIP/2.0', ...BASE.slice(1, 5), 'CSeq: 7 ACK'])).method,
    'ACK',
  );
  t.equal(
    parse(sipText(['CANCEL sip:4000@127.0.0.1 SIP/2.0', ...BASE.slice(1, 5), 'CSeq: 7 CANCEL'])).method,
    'CANCEL',
  );
  t.end();
});

t.test('round trips: parse → toBuffer → parse is equal', (t) => {
  const samples = [
    inviteText(),
    okText(),
    okText(''),
    sipText(BASE),
    inviteText({ host: '[::1]', body: 'ü' }),
  ];
  for (const s of samples) {
    const a = parse(s);
    const b = parse(a.toBuffer());
    t.same(b.startLine, a.startLine);
    t.same(b.headers, a.headers);
    t.same(b.body, a.body);
  }
  t.end();
});

t.test('error codes, each with what could be salvaged', (t) => {
  const cases: [string, string | Buffer, string, Partial<ParseLimits>?][] = [
    ['bad-start-line', sipText(['HELLO', ...BASE.slice(1)]), 'one word'],
    ['bad-start-line', sipText(['INVITE sip:x', ...BASE.slice(1)]), 'no version'],
    ['bad-start-line', sipText(['INVITE sip:x SIP/2.0 extra', ...BASE.slice(1)]), 'junk after version'],
    ['bad-start-line', sipText(['INVITE <sip:x> SIP/2.0', ...BASE.slice(1)]), 'bracketed uri'],
    ['bad-start-line', sipText(['INV@ITE sip:x SIP/2.0', ...BASE.slice(1)]), 'method not a token'],
    ['bad-start-line', sipText(['SIP/2.0 99 Low', ...BASE.slice(1)]), 'status range'],
    ['bad-start-line', sipText(['SIP/2.0 2000 OK', ...BASE.slice(1)]), 'status digits'],
    ['unsupported-version', sipText(['OPTIONS sip:x@y SIP/3.0', ...BASE.slice(1)]), 'SIP/3.0'],
    ['bad-header', sipText([...BASE, 'NoColonHere']), 'no colon'],
    ['bad-header', sipText([...BASE, 'Bad Name: x']), 'name not a token'],
    ['bad-header', sipText([BASE[0]!, ' continuation first', ...BASE.slice(1)]), 'orphan continuation'],
    ['bad-header', sipText([...withHeader('From', 'From: "broken <sip:a@b>')]), 'From'],
    ['bad-header', sipText([...withHeader('Via', 'Via: SIP/2.0/UDP')]), 'Via'],
    ['bad-header', sipText([...BASE, 'To: <sip:other@x>']), 'two To'],
    ['bad-header', sipText([...BASE, 'Max-Forwards: 300']), 'Max-Forwards'],
    ['bad-header', sipText(withHeader('Call-ID', 'Call-ID:')), 'empty Call-ID'],
    ['missing-header', sipText(withHeader('Via', null)), 'Via'],
    ['missing-header', sipText(withHeader('From', null)), 'From'],
    ['missing-header', sipText(withHeader('To', null)), 'To'],
    ['missing-header', sipText(withHeader('Call-ID', null)), 'Call-ID'],
    ['missing-header', sipText(withHeader('CSeq', null)), 'CSeq'],
    ['too-large', sipText(BASE, 'x'.repeat(70000)), 'datagram > 65535'],
    ['too-large', sipText([...BASE, `X-Long: ${'a'.repeat(9000)}`]), 'header line'],
    [
      'too-large',
      sipText([...BASE, 'X-Long: a', ...Array<string>(20).fill(` ${'b'.repeat(500)}`)]),
      'folded line',
      { maxHeaderLineBytes: 5000 },
    ],
    ['too-many-headers', sipText([...BASE, ...Array<string>(300).fill('X-A: b')]), 'header count'],
    [
      'too-many-headers',
      sipText([...BASE, ...Array<string>(70).fill('Via: SIP/2.0/UDP h;branch=z9hG4bKx')]),
      'Via lines',
    ],
    [
      'too-many-headers',
      sipText([...BASE, `Via: ${Array<string>(70).fill('SIP/2.0/UDP h').join(',')}`]),
      'Via values on one line',
    ],
    [
      'bad-content-length',
      sipText(BASE, 'abc', null).replace('\r\n\r\n', '\r\nContent-Length: 3x\r\n\r\n'),
      'not digits',
    ],
    ['bad-content-length', sipText([...BASE, 'l: 2'], 'abc'), 'conflicting'],
    ['truncated', sipText(BASE, 'abc', 10), 'body shorter'],
    ['truncated', BASE.join('\r\n'), 'no empty line'],
    ['truncated', '\r\n\r\n', 'only CRLFs'],
    ['bad-cseq', sipText(withHeader('CSeq', 'CSeq: 7 INVITE')), 'method mismatch §8.1.1.5'],
    ['bad-cseq', sipText(withHeader('CSeq', 'CSeq: 7 options')), 'methods are case-sensitive'],
    ['bad-cseq', sipText(withHeader('CSeq', 'CSeq: 4294967296 OPTIONS')), 'beyond 32 bits'],
    ['bad-cseq', sipText(withHeader('CSeq', 'CSeq: OPTIONS')), 'no number'],
  ];
  for (const [code, input, what, limits] of cases) {
    const e = parseError(input, limits);
    t.equal(e.code, code, `${code}: ${what}`);
    t.equal(e.name, 'SipParseError');
    if (code === 'bad-start-line' || what === 'only CRLFs')
      t.equal(e.partial, undefined, `${what}: nothing salvaged`);
    else t.ok(e.partial, `${what}: partial present`);
  }
  t.end();
});

t.test('partial of a malformed request carries what a 400 needs', (t) => {
  const e = parseError(sipText([...BASE, 'Garbage line', 'Max-Forwards: 70']));
  t.equal(e.code, 'bad-header');
  const p = e.partial!;
  t.equal(p.method, 'OPTIONS');
  for (const h of ['via', 'from', 'to', 'call-id', 'cseq', 'max-forwards']) t.ok(p.get(h), h);
  const big = parseError(sipText(BASE, 'x'.repeat(70000)));
  t.equal(big.partial?.get('call-id'), 'o1@127.0.0.1', 'oversized datagram still readable for a 513');
  const missing = parseError(sipText(withHeader('To', null)));
  t.equal(missing.header, 'To');
  t.end();
});

t.test('limits are configurable', (t) => {
  t.same(DEFAULT_PARSE_LIMITS, {
    maxBytes: 65535,
    maxHeaders: 256,
    maxHeaderLineBytes: 8192,
    maxViaCount: 64,
  });
  t.equal(parseError(sipText(BASE), { maxBytes: 50 }).code, 'too-large');
  t.equal(parseError(sipText(BASE), { maxHeaders: 4 }).code, 'too-many-headers');
  t.equal(parse(sipText(BASE, 'x'.repeat(100000)), { maxBytes: 200000 }).body.length, 100000);
  t.end();
});

t.test('findMessageEnd frames a stream', (t) => {
  const a = inviteText();
  const b = sipText(BASE);
  const buf = Buffer.from(`\r\n\r\n${a}${b}`);
  const f1 = findMessageEnd(buf);
  t.ok(f1);
  t.equal(f1!.start, 4);
  t.equal(f1!.contentLength, Buffer.byteLength(SAMPLE_SDP));
  t.equal(f1!.end, 4 + Buffer.byteLength(a));
  t.equal(parseMessage(buf.subarray(f1!.start, f1!.end)).method, 'INVITE');
  const f2 = findMessageEnd(buf, f1!.end);
  t.equal(f2?.end, buf.length);
  t.equal(parseMessage(buf.subarray(f2!.start, f2!.end)).method, 'OPTIONS');
  t.equal(findMessageEnd(Buffer.from('\r\n\r\n')), undefined, 'keepalive only');
  t.equal(findMessageEnd(Buffer.from(a.slice(0, 100))), undefined, 'incomplete headers');
  t.same(findMessageEnd(Buffer.from('OPTIONS sip:x SIP/2.0\r\nl: 5\r\n\r\n')), {
    start: 0,
    headerEnd: 31,
    contentLength: 5,
    end: 36,
  });
  t.equal(findMessageEnd(Buffer.from(sipText(BASE, '', null)))?.contentLength, undefined);
  t.throws(() => findMessageEnd(Buffer.from('OPTIONS sip:x SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\n')), {
    code: 'bad-content-length',
  });
  t.throws(() => findMessageEnd(Buffer.from('OPTIONS sip:x SIP/2.0\r\ncontent-length: -1\r\n\r\n')), {
    code: 'bad-content-length',
  });
  t.end();
});
