import t from 'tap';
import { extractCaller } from './caller-identity.js';
import type { CallerResult } from './caller-identity.js';
import type { HeaderView } from './party-headers.js';

function view(headers: Record<string, string>): HeaderView {
  return { get: (name) => headers[name] };
}

const ALL = ['pai', 'rpid', 'from'] as const;

function show(r: CallerResult): string {
  if (!r.found) return `none${r.restricted ? ' (restricted)' : ''}`;
  const name = r.identity.displayName === undefined ? '' : ` "${r.identity.displayName}"`;
  return `${r.identity.source}:${r.identity.user}${name}${r.restricted ? ' (restricted)' : ''}`;
}

const FROM = '"Front desk" <sip:+493055501@carrier.example;user=phone>;tag=a1';

t.test('the first trusted source with a number wins', (t) => {
  const h = view({
    'p-asserted-identity': '<sip:+4930123456@carrier.example;user=phone>',
    'remote-party-id': '"Ann" <sip:+4930999@carrier.example>;party=calling;screen=yes',
    from: FROM,
  });
  t.equal(show(extractCaller(h, ALL)), 'pai:+4930123456');
  t.equal(show(extractCaller(h, ['rpid', 'pai'])), 'rpid:+4930999 "Ann"', 'order is the operator’s');
  t.equal(show(extractCaller(h, ['from'])), 'from:+493055501 "Front desk"', 'untrusted PAI is ignored');
  t.equal(
    show(extractCaller(view({ from: FROM }), ALL)),
    'from:+493055501 "Front desk"',
    'absent sources skipped',
  );
  t.end();
});

t.test('P-Asserted-Identity: the tel URI of a sip+tel pair is the number (RFC 3325 §9.1)', (t) => {
  const h = view({ 'p-asserted-identity': '"Ann" <sip:ann@pbx.example>, <tel:+44-20-7946-0958>' });
  t.equal(show(extractCaller(h, ALL)), 'pai:+44-20-7946-0958');
  const joined = view({ 'p-asserted-identity': '<sip:+4930111@a.example>' });
  t.equal(show(extractCaller(joined, ALL)), 'pai:+4930111');
  t.end();
});

t.test('privacy marks the caller restricted but keeps the identity', (t) => {
  const pai = '<sip:+4930123456@carrier.example>';
  t.equal(
    show(extractCaller(view({ 'p-asserted-identity': pai, privacy: 'id' }), ALL)),
    'pai:+4930123456 (restricted)',
  );
  t.equal(
    show(extractCaller(view({ 'p-asserted-identity': pai, privacy: 'user;id' }), ALL)),
    'pai:+4930123456 (restricted)',
  );
  t.equal(show(extractCaller(view({ 'p-asserted-identity': pai, privacy: 'none' }), ALL)), 'pai:+4930123456');
  const rpid = (p: string) => view({ 'remote-party-id': `"Ann" <sip:+4930999@c.example>;privacy=${p}` });
  t.equal(show(extractCaller(rpid('full'), ALL)), 'rpid:+4930999 "Ann" (restricted)');
  t.equal(show(extractCaller(rpid('name'), ALL)), 'rpid:+4930999', 'privacy=name hides only the name');
  t.equal(show(extractCaller(rpid('off'), ALL)), 'rpid:+4930999 "Ann"');
  t.end();
});

t.test('anonymous From, called parties and garbage are not callers', (t) => {
  const anon = view({ from: '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=x' });
  t.equal(show(extractCaller(anon, ALL)), 'none (restricted)', 'RFC 3323 §4.1.1.3');
  const withPai = view({
    from: '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=x',
    'p-asserted-identity': '<tel:+4930123456>',
    privacy: 'id',
  });
  t.equal(show(extractCaller(withPai, ALL)), 'pai:+4930123456 (restricted)');
  const called = view({
    'remote-party-id': '<sip:+4930777@c.example>;party=called',
    from: '<sip:+4930555@c.example>;tag=1',
  });
  t.equal(show(extractCaller(called, ALL)), 'from:+4930555', 'party=called is not the caller');
  t.equal(show(extractCaller(view({ 'p-asserted-identity': '<<<', from: 'nonsense' }), ALL)), 'none');
  t.equal(show(extractCaller(view({ from: '<sip:pbx.example.com>;tag=1' }), ALL)), 'none', 'no user part');
  t.end();
});

t.test('user parameters and escapes in the user part', (t) => {
  const h = view({ from: '<sip:030%2012345;phone-context=+49@gw.example;user=phone>;tag=1' });
  const r = extractCaller(h, ALL);
  t.ok(r.found);
  if (r.found) {
    t.equal(r.identity.user, '030 12345', '%-decoded, user parameters split off');
    t.equal(r.identity.phoneContext, '+49');
    t.equal(r.identity.scheme, 'sip');
  }
  t.end();
});
