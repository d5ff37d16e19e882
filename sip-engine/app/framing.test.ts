import fc from 'fast-check';
import t from 'tap';
import { encodeFrame, FrameDecoder, FramingError } from './framing.js';

const feed = (decoder: FrameDecoder, bytes: Buffer, cuts: number[]): string[] => {
  const out: string[] = [];
  let last = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    const r = decoder.push(bytes.subarray(last, cut));
    if (!r.ok) throw r.error;
    out.push(...r.frames);
    last = cut;
  }
  return out;
};

t.test('encodeFrame counts UTF-8 bytes, not UTF-16 units (spec §2.2)', (t) => {
  t.equal(encodeFrame('abc').toString('utf8'), '3#abc');
  t.equal(encodeFrame('€').toString('utf8'), '3#€');
  t.equal(encodeFrame('😀x').toString('utf8'), '5#😀x');
  t.end();
});

t.test('several frames in one chunk come out in order', (t) => {
  const d = new FrameDecoder();
  const r = d.push(Buffer.concat([encodeFrame('a|ping'), encodeFrame('b|route|invite'), encodeFrame('c')]));
  t.same(r, { ok: true, frames: ['a|ping', 'b|route|invite', 'c'] });
  t.equal(d.state, 'length');
  t.end();
});

t.test('a frame split inside its length, at #, and inside a multi-byte character', (t) => {
  const payload = 'id|sip|x|\r\nFrom: "Zoë 😀" <sip:z@h>';
  const bytes = encodeFrame(payload);
  const emoji = bytes.indexOf(Buffer.from('😀'));
  for (const cut of [1, 2, bytes.indexOf(0x23), bytes.indexOf(0x23) + 1, emoji + 1, emoji + 2, emoji + 3]) {
    const d = new FrameDecoder();
    const first = d.push(bytes.subarray(0, cut));
    t.same(first.frames, [], `nothing complete before the cut at ${cut}`);
    t.same(d.push(bytes.subarray(cut)).frames, [payload], `whole frame after the cut at ${cut}`);
  }
  t.end();
});

t.test('byte-at-a-time feeding yields the same frames', (t) => {
  const payloads = ['a|ping', 'ß|ü|€|😀', 'z'];
  const bytes = Buffer.concat(payloads.map(encodeFrame));
  const cuts = Array.from({ length: bytes.length }, (_, i) => i);
  t.same(feed(new FrameDecoder(), bytes, cuts), payloads);
  t.end();
});

t.test('property: any payloads, any chunking, decode to the same payloads', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat({ max: 2000 }), { maxLength: 12 }),
      (payloads, cuts) => {
        const bytes = Buffer.concat(payloads.map(encodeFrame));
        const out = feed(new FrameDecoder(), bytes, cuts);
        return JSON.stringify(out) === JSON.stringify(payloads);
      },
    ),
    { numRuns: 300 },
  );
  t.pass('300 random chunkings decoded exactly');
  t.end();
});

t.test('a non-digit before # is a protocol error, and the decoder stays failed', (t) => {
  for (const bad of ['12a#hello', ' 5#hello', '-5#hello', 'GET / HTTP/1.1\r\n']) {
    const d = new FrameDecoder();
    const r = d.push(Buffer.from(bad));
    t.equal(r.ok, false, JSON.stringify(bad));
    if (!r.ok) {
      t.type(r.error, FramingError);
      t.equal(r.error.code, 'bad-length');
    }
    t.equal(d.state, 'failed');
    t.equal(d.push(encodeFrame('a|ping')).ok, false, 'no recovery after failure');
  }
  t.end();
});

t.test('empty or zero length is a protocol error', (t) => {
  for (const bad of ['#abc', '0#', '000#x']) {
    const r = new FrameDecoder().push(Buffer.from(bad));
    t.equal(r.ok ? undefined : r.error.code, 'bad-length', JSON.stringify(bad));
  }
  t.end();
});

t.test('frames decoded before a bad frame in the same chunk are still returned', (t) => {
  const r = new FrameDecoder().push(Buffer.concat([encodeFrame('a|ping'), Buffer.from('x#')]));
  t.same(r.frames, ['a|ping']);
  t.equal(r.ok, false);
  t.end();
});

t.test('a length over maxFrameBytes fails as soon as the digits show it, holding no payload', (t) => {
  const d = new FrameDecoder({ maxFrameBytes: 100 });
  t.same(d.push(Buffer.from('100#')).ok, true, 'exactly the cap is fine');
  t.equal(d.bufferedBytes, 0);
  const d2 = new FrameDecoder({ maxFrameBytes: 100 });
  const r = d2.push(Buffer.from('101'));
  t.equal(r.ok ? undefined : r.error.code, 'frame-too-large', 'refused before # arrives');
  const d3 = new FrameDecoder();
  const r3 = d3.push(Buffer.from(`${1024 * 1024 + 1}#`));
  t.equal(r3.ok ? undefined : r3.error.code, 'frame-too-large', 'default cap is 1 MiB');
  t.end();
});

t.test('leading zeros past any sane width are refused', (t) => {
  const r = new FrameDecoder().push(Buffer.from('0'.repeat(40)));
  t.equal(r.ok ? undefined : r.error.code, 'bad-length');
  t.end();
});
