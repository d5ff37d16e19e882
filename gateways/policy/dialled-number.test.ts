import fc from 'fast-check';
import t from 'tap';
import { compareIndex, extractDialled, historyInfoOrder } from './dialled-number.js';
import type { DialledResult } from './dialled-number.js';
import { headerEntries } from './party-headers.js';
import type { HeaderView } from './party-headers.js';

const view = (headers: Record<string, string>): HeaderView => ({ get: (name) => headers[name] });
const show = (r: DialledResult): string => (r.found ? `${r.identity.source}:${r.identity.user}` : 'none');
const ALL = ['request-uri', 'to', 'diversion', 'history-info'] as const;

const RURI = 'sip:+493022222@cc.example.com;user=phone';

t.test('the first trusted source with a user part wins', (t) => {
  const h = view({
    to: '<sip:+493011111@carrier.example>',
    diversion:
      '<sip:+493033333@carrier.example>;reason=unconditional;counter=1, <sip:+493044444@carrier.example>;reason=no-answer',
    'history-info':
      '<sip:+493055555@carrier.example>;index=1, <sip:+493022222@cc.example.com>;index=1.1;mp=1',
  });
  t.equal(show(extractDialled(RURI, h, ALL)), 'request-uri:+493022222');
  t.equal(show(extractDialled(RURI, h, ['to', 'request-uri'])), 'to:+493011111');
  t.equal(
    show(extractDialled(RURI, h, ['diversion'])),
    'diversion:+493044444',
    'the bottom (first) diversion',
  );
  t.equal(
    show(extractDialled(RURI, h, ['history-info'])),
    'history-info:+493055555',
    'index 1 = originally dialled',
  );
  t.equal(
    show(extractDialled('sip:cc.example.com', h, ['request-uri', 'to'])),
    'to:+493011111',
    'R-URI without user',
  );
  t.equal(show(extractDialled(RURI, view({}), ['diversion', 'history-info'])), 'none');
  t.end();
});

t.test('History-Info is ordered by index, not by header position (RFC 7044 §10.3)', (t) => {
  const h = view({
    'history-info': [
      '<sip:agent@10.0.0.5>;index=1.1.1',
      '<sip:+493022222@cc.example.com>;index=1.1;rc=1',
      '<sip:+493055555@carrier.example?Reason=SIP%3Bcause%3D302>;index=1',
      '<sip:+493066666@carrier.example>;index=1.2',
    ].join(', '),
  });
  t.equal(show(extractDialled(RURI, h, ['history-info'])), 'history-info:+493055555');
  const order = historyInfoOrder(headerEntries(h.get('history-info'))).map((e) => e.params.get('index'));
  t.same(order, ['1', '1.1', '1.1.1', '1.2']);
  const noIndex = view({ 'history-info': '<sip:+4930777@a.example>, <sip:+4930888@a.example>;index=1' });
  t.equal(
    show(extractDialled(RURI, noIndex, ['history-info'])),
    'history-info:+4930888',
    'entries without index last',
  );
  t.end();
});

t.test('tel URIs as the Request-URI', (t) => {
  const r = extractDialled('tel:+44-20-7946-0958', view({}), ALL);
  t.equal(show(r), 'request-uri:+44-20-7946-0958');
  t.equal(r.found && r.identity.scheme, 'tel');
  const local = extractDialled('tel:7946-0958;phone-context=+44-20', view({}), ALL);
  t.equal(local.found && local.identity.phoneContext, '+44-20', 'RFC 3966 §5.1.5 local number');
  t.end();
});

t.test('property: index order is a total order where parents precede children', (t) => {
  const index = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 });
  fc.assert(
    fc.property(index, index, index, (a, b, c) => {
      const ab = Math.sign(compareIndex(a, b));
      const antisymmetric = ab === -Math.sign(compareIndex(b, a));
      const transitive = !(compareIndex(a, b) <= 0 && compareIndex(b, c) <= 0) || compareIndex(a, c) <= 0;
      const parentFirst = compareIndex(a, [...a, 1]) < 0;
      return antisymmetric && transitive && parentFirst && (ab !== 0 || a.join('.') === b.join('.'));
    }),
    { numRuns: 1000 },
  );
  t.pass();
  t.end();
});
