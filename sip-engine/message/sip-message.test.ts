import t from 'tap';
import { inviteText } from '../../test-support/sip-fixtures.js';
import { parseMessage } from './parser.js';
import { canonicalHeaderKey, HeaderLine, headerKey, SipMessage } from './sip-message.js';

t.test('parsed lines are HeaderLines that look like plain { name, value } objects', (t) => {
  const m = parseMessage(Buffer.from(inviteText()));
  const first = m.headers[0];
  t.ok(first instanceof HeaderLine, 'parser builds HeaderLine entries');
  t.same(Object.keys(first ?? {}), ['name', 'value'], 'only name and value are own enumerable fields');
  t.same({ ...first }, { name: first?.name, value: first?.value }, 'spread copies exactly name and value');
  t.equal(JSON.stringify(first), JSON.stringify({ name: first?.name, value: first?.value }));
  t.end();
});

t.test('the cached key follows a reassigned name', (t) => {
  const line = new HeaderLine('v', 'SIP/2.0/UDP a;branch=z9hG4bK1');
  t.equal(line.key, 'via', 'compact form expanded (RFC 3261 §7.3.3)');
  line.name = 'Route';
  t.equal(line.key, 'route', 'recomputed after the name changed');
  const m = new SipMessage({ kind: 'request', method: 'OPTIONS', uri: 'sip:x' }, [line]);
  t.equal(m.get('route'), 'SIP/2.0/UDP a;branch=z9hG4bK1');
  t.equal(m.get('via'), undefined, 'the old name no longer matches');
  t.end();
});

t.test('plain objects pushed onto headers are found like HeaderLines', (t) => {
  const m = SipMessage.request('MESSAGE', 'sip:a@b');
  m.headers.push({ name: 'Call-ID', value: 'c1' }, { name: 'i', value: 'c2' });
  m.headers.push(Object.freeze({ name: 'X-Agent-Id', value: '7' }));
  m.append('Via', 'SIP/2.0/TCP h;branch=z9hG4bKx');
  t.same(m.getAll('CALL-ID'), ['c1', 'c2'], 'long and compact forms, any case');
  t.equal(m.get('x-agent-id'), '7', 'a frozen plain object works (no cache written to it)');
  t.equal(headerKey({ name: ' Content-Type ', value: 'x' }), 'content-type', 'trimmed and lower-cased');
  m.set('i', 'c3');
  t.same(
    m.headers.map((h) => h.name),
    ['i', 'X-Agent-Id', 'Via'],
    'set replaced every Call-ID line at the first one',
  );
  m.remove('via');
  t.equal(m.has('v'), false);
  t.end();
});

t.test('clone copies lines; toBuffer rewrites Content-Length found through the key', (t) => {
  const m = SipMessage.request('MESSAGE', 'sip:a@b', [{ name: 'l', value: '99' }], Buffer.from('hi'));
  const c = m.clone();
  c.headers[0]!.name = 'X-Other';
  t.equal(m.headers[0]?.name, 'l', 'the clone does not share line objects');
  t.match(m.toString(), /\r\nl: 2\r\n\r\nhi$/, 'compact Content-Length rewritten in place');
  t.match(c.toString(), /X-Other: 99\r\nContent-Length: 2\r\n/);
  t.end();
});

t.test('names past the memo bound (a flood of distinct names) are still canonicalised', (t) => {
  const wrong: string[] = [];
  for (let i = 0; i < 5000; i++)
    if (canonicalHeaderKey(`X-Flood-${i}`) !== `x-flood-${i}`) wrong.push(String(i));
  t.same(wrong, [], 'every name right, memoised or not');
  t.equal(canonicalHeaderKey('T'), 'to', 'compact forms still expand once the memo is full');
  const long = `X-${'a'.repeat(200)}`;
  t.equal(canonicalHeaderKey(long), long.toLowerCase(), 'long names are not memoised but still right');
  t.end();
});
