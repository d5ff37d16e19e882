/** Unit tests of the §2.7 header rules and name spelling. */
import t from 'tap';
import { detectContentType, hasOptionTag, rewriteLocalhost, sortAppHeaders } from './header-rules.js';
import { wireHeaderName } from './header-names.js';

t.test('names are re-spelt: well-known, compact and unknown', (t) => {
  t.equal(wireHeaderName('cseq'), 'CSeq');
  t.equal(wireHeaderName('call-id'), 'Call-ID');
  t.equal(wireHeaderName('i'), 'Call-ID');
  t.equal(wireHeaderName('rack'), 'RAck');
  t.equal(wireHeaderName('x-agent-id'), 'X-Agent-Id');
  t.equal(wireHeaderName('P-ASSERTED-IDENTITY'), 'P-Asserted-Identity');
  t.end();
});

t.test('immutable headers are ignored, CANCEL drops From/To/Contact/PAI, bad lines dropped', (t) => {
  const headers = [
    { name: 'Via', value: 'SIP/2.0/UDP x' },
    { name: 'route', value: '<sip:x>' },
    { name: 'RSeq', value: '1' },
    { name: 'content-length', value: '99' },
    { name: 'From', value: 'sip:a@localhost;tag=1' },
    { name: 'bad name', value: 'x' },
    { name: 'X-Ok', value: 'yes' },
    { name: 'contact', value: '<sip:me@localhost:5080>' },
  ];
  const req = sortAppHeaders(headers, 'request', '10.0.0.1:5060');
  t.equal(req.from, 'sip:a@10.0.0.1:5060;tag=1', 'localhost rewritten in From');
  t.same(req.contact, ['<sip:me@10.0.0.1:5060>'], 'and in Contact, port included');
  t.same(req.others, [{ name: 'X-Ok', value: 'yes' }], 'only the mutable unknown header left');
  const cancel = sortAppHeaders(headers, 'cancel', '10.0.0.1:5060');
  t.equal(cancel.from, undefined);
  t.same(cancel.contact, []);
  t.end();
});

t.test('localhost rewrite only touches @localhost', (t) => {
  t.equal(rewriteLocalhost('<sip:localhost.example.com>', 'h:1'), '<sip:localhost.example.com>');
  t.equal(rewriteLocalhost('"Q" <sip:1000@localhost>', '[::1]:5060'), '"Q" <sip:1000@[::1]:5060>');
  t.end();
});

t.test('content type detection', (t) => {
  t.same(detectContentType(Buffer.from('v=0\r\n'), undefined, 'request'), {
    ok: true,
    contentType: 'application/sdp',
  });
  t.same(detectContentType(Buffer.from('hello'), undefined, 'request'), {
    ok: false,
    reason: 'missing content-type',
  });
  t.same(detectContentType(Buffer.from('hello'), undefined, 'response'), {
    ok: true,
    contentType: undefined,
  });
  t.same(detectContentType(Buffer.from('hello'), 'text/plain', 'request'), {
    ok: true,
    contentType: 'text/plain',
  });
  t.same(detectContentType(Buffer.alloc(0), undefined, 'request'), { ok: true, contentType: undefined });
  t.end();
});

t.test('option tags', (t) => {
  t.ok(hasOptionTag(['timer, 100rel'], '100rel'));
  t.notOk(hasOptionTag(['100relx'], '100rel'));
  t.end();
});
