import t from 'tap';
import fc from 'fast-check';
import { StreamFramer } from './stream-framer.js';
import type { FrameEvent } from './stream-framer.js';

function msg(body = '', extra: string[] = []): string {
  const lines = [
    'OPTIONS sip:a@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK1',
    ...extra,
  ];
  return `${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function kinds(events: FrameEvent[]): string[] {
  return events.map((e) => (e.kind === 'message' ? `message:${e.data.length}` : e.kind));
}

function feedBytes(framer: StreamFramer, text: string): FrameEvent[] {
  const out: FrameEvent[] = [];
  for (const byte of Buffer.from(text)) out.push(...framer.push(Buffer.from([byte])));
  return out;
}

t.test('several messages in one chunk, with a body', (t) => {
  const f = new StreamFramer(65535);
  const a = msg('hello body');
  const b = msg();
  const events = f.push(Buffer.from(a + b));
  t.same(kinds(events), [`message:${Buffer.byteLength(a)}`, `message:${Buffer.byteLength(b)}`]);
  t.equal(events[0]?.kind === 'message' && events[0].data.toString(), a);
  t.equal(f.bufferedBytes, 0);
  t.equal(f.state, 'idle');
  t.end();
});

t.test('a message split byte by byte, then across arbitrary chunks', (t) => {
  const text = msg('v=0\r\n');
  const f = new StreamFramer(65535);
  const events = feedBytes(f, text);
  t.same(kinds(events), [`message:${Buffer.byteLength(text)}`]);
  const g = new StreamFramer(65535);
  const buf = Buffer.from(text + text);
  const got = [
    ...g.push(buf.subarray(0, 7)),
    ...g.push(buf.subarray(7, 60)),
    ...g.push(buf.subarray(60, buf.length - 3)),
  ];
  t.equal(got.length, 1, 'first complete, second waiting for 3 bytes');
  t.same(kinds(g.push(buf.subarray(buf.length - 3))), [`message:${Buffer.byteLength(text)}`]);
  t.end();
});

t.test('CRLFCRLF ping between messages; single CRLF ignored (RFC 5626 §3.5.1)', (t) => {
  const f = new StreamFramer(65535);
  t.same(kinds(f.push(Buffer.from('\r\n\r\n'))), ['ping']);
  t.same(kinds(f.push(Buffer.from('\r\n'))), [], 'half a ping waits');
  t.same(kinds(f.push(Buffer.from('\r\n'))), ['ping'], 'completed across chunks');
  const text = msg();
  t.same(kinds(f.push(Buffer.from(`\r\n${text}\r\n\r\n`))), [`message:${text.length}`, 'ping']);
  t.end();
});

t.test('missing Content-Length on a stream reads as 0 (RFC 3261 §18.3)', (t) => {
  const f = new StreamFramer(65535);
  const head = 'OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n';
  t.same(kinds(f.push(Buffer.from(head + head))), [`message:${head.length}`, `message:${head.length}`]);
  t.end();
});

t.test('compact l: header is honoured', (t) => {
  const f = new StreamFramer(65535);
  const text = 'SIP/2.0 200 OK\r\nv: SIP/2.0/TCP h;branch=z9hG4bK1\r\nl: 4\r\n\r\nabcd';
  t.same(kinds(f.push(Buffer.from(text + 'SIP/2.0'))), [`message:${text.length}`]);
  t.equal(f.bufferedBytes, 7);
  t.end();
});

t.test('oversize is reported as soon as Content-Length says so, and input is then ignored', (t) => {
  const f = new StreamFramer(1000);
  const events = f.push(Buffer.from(msg('').replace('Content-Length: 0', 'Content-Length: 5000')));
  t.same(kinds(events), ['oversize']);
  t.equal(f.state, 'failed');
  t.equal(f.bufferedBytes, 0, 'buffer released');
  t.same(f.push(Buffer.from(msg())), []);
  t.end();
});

t.test('oversize header section without an end', (t) => {
  const f = new StreamFramer(1000);
  const events = f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nX: ' + 'a'.repeat(2000)));
  t.same(kinds(events), ['oversize']);
  t.end();
});

t.test('garbage: binary, HTTP, bad Content-Length, conflicting Content-Length', (t) => {
  t.same(
    kinds(new StreamFramer(65535).push(Buffer.from([0x16, 0x03, 0x01, 0x00]))),
    ['garbage'],
    'TLS hello',
  );
  t.same(kinds(new StreamFramer(65535).push(Buffer.from('GET / HTTP/1.1\r\n'))), ['garbage']);
  t.same(kinds(new StreamFramer(65535).push(Buffer.from('hello world\r\n'))), ['garbage']);
  const bad = msg().replace('Content-Length: 0', 'Content-Length: abc');
  t.same(kinds(new StreamFramer(65535).push(Buffer.from(bad))), ['garbage']);
  const twice = msg('', ['Content-Length: 3']);
  t.same(kinds(new StreamFramer(65535).push(Buffer.from(twice))), ['garbage']);
  t.end();
});

t.test('byte-at-a-time input holds at most what was sent (bounded by the limit)', (t) => {
  const f = new StreamFramer(4096);
  const start = 'OPTIONS sip:a@b SIP/2.0\r\nX-Slow: ';
  feedBytes(f, start);
  let events: FrameEvent[] = [];
  for (let i = 0; i < 5000 && events.length === 0; i++) events = f.push(Buffer.from('a'));
  t.same(kinds(events), ['oversize']);
  t.equal(f.bufferedBytes, 0);
  t.end();
});

t.test('property: any chunking of valid messages and pings yields the same frames', (t) => {
  const item = fc.oneof(
    fc.string({ maxLength: 40 }).map((body) => msg(body)),
    fc.constant('\r\n\r\n'),
  );
  fc.assert(
    fc.property(
      fc.array(item, { minLength: 1, maxLength: 6 }),
      fc.array(fc.nat(300), { maxLength: 20 }),
      (items, cuts) => {
        const whole = Buffer.from(items.join(''));
        const expected = kinds(new StreamFramer(65535).push(whole));
        const f = new StreamFramer(65535);
        const got: FrameEvent[] = [];
        let pos = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          if (cut <= pos || cut >= whole.length) continue;
          got.push(...f.push(whole.subarray(pos, cut)));
          pos = cut;
        }
        got.push(...f.push(whole.subarray(pos)));
        return JSON.stringify(kinds(got)) === JSON.stringify(expected) && expected.length === items.length;
      },
    ),
    { numRuns: 300 },
  );
  t.pass('300 random chunkings agreed');
  t.end();
});

t.test('property: arbitrary bytes never throw and never hold more than the limit plus one chunk', (t) => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 20 }), (chunks) => {
      const f = new StreamFramer(1024);
      for (const c of chunks) {
        f.push(Buffer.from(c));
        if (f.bufferedBytes > 1024 + 600) return false;
      }
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass('500 random byte streams');
  t.end();
});

t.test('midMessage: true only while a message head or body is incomplete', (t) => {
  const f = new StreamFramer(65535);
  const text = msg('body');
  f.push(Buffer.from('\r\n'));
  t.notOk(f.midMessage, 'a lone CRLF (half a keepalive) is not a message');
  f.push(Buffer.from('\r\n'));
  t.notOk(f.midMessage);
  f.push(Buffer.from(text.slice(0, 20)));
  t.ok(f.midMessage, 'in the head');
  f.push(Buffer.from(text.slice(20, -2)));
  t.ok(f.midMessage, 'in the body');
  f.push(Buffer.from(text.slice(-2) + text.slice(0, 5)));
  t.ok(f.midMessage, 'the next message started in the same chunk');
  f.push(Buffer.from(text.slice(5)));
  t.notOk(f.midMessage, 'between messages');
  t.end();
});
