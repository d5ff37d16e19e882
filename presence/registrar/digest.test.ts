import t from 'tap';
import { FakeClock } from '../../sip-engine/util/clock.js';
import { DigestAuthenticator, computeHa1, computeResponse, computeStoredHa1 } from './digest.js';
import type { DigestAlgorithm, StoredHa1 } from './digest.js';
import { NonceCountCache } from './digest-nonce.js';

// RFC 7616 §3.9.1: the worked example's inputs and the responses the RFC prints.
const RFC = {
  username: 'Mufasa',
  password: 'Circle of Life',
  realm: 'http-auth@example.org',
  method: 'GET',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  nc: '00000001',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
};
const RFC_MD5 = '8ca523f5e9506fed4657c9700eebdbec';
const RFC_SHA256 = '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1';

t.test('RFC 7616 §3.9.1 vectors: MD5 and SHA-256 responses', (t) => {
  for (const [algorithm, expected] of [
    ['MD5', RFC_MD5],
    ['SHA-256', RFC_SHA256],
  ] as const) {
    const ha1 = computeHa1(algorithm, RFC.username, RFC.realm, RFC.password);
    const response = computeResponse({
      algorithm,
      ha1,
      nonce: RFC.nonce,
      nc: RFC.nc,
      cnonce: RFC.cnonce,
      qop: 'auth',
      method: RFC.method,
      uri: RFC.uri,
    });
    t.equal(response, expected, algorithm);
  }
  t.end();
});

const REALM = 'cc.example.com';
const SECRET = 'a-cluster-wide-secret-of-32-bytes!!';

function setup(extra: Partial<ConstructorParameters<typeof DigestAuthenticator>[0]> = {}): {
  auth: DigestAuthenticator;
  clock: FakeClock;
} {
  const clock = new FakeClock();
  return {
    clock,
    auth: new DigestAuthenticator({ realm: REALM, secret: SECRET, clock, nonceTtlMs: 60_000, ...extra }),
  };
}

function param(challenge: string, name: string): string {
  const m = new RegExp(`${name}="?([^",]+)"?`).exec(challenge);
  if (!m?.[1]) throw new Error(`no ${name} in ${challenge}`);
  return m[1];
}

/** What a phone would send back, computed from the challenge and its password. */
function answer(
  challenge: string,
  o: {
    user?: string;
    password?: string;
    nc?: string;
    method?: string;
    uri?: string;
    opaque?: string;
    nonce?: string;
  } = {},
): string {
  const algorithm = param(challenge, 'algorithm') as DigestAlgorithm;
  const nonce = o.nonce ?? param(challenge, 'nonce');
  const user = o.user ?? 'alice';
  const uri = o.uri ?? `sip:${REALM}`;
  const nc = o.nc ?? '00000001';
  const ha1 = computeHa1(algorithm, user, REALM, o.password ?? 'secret');
  const response = computeResponse({
    algorithm,
    ha1,
    nonce,
    nc,
    cnonce: 'c0ffee',
    qop: 'auth',
    method: o.method ?? 'REGISTER',
    uri,
  });
  return `Digest username="${user}", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="c0ffee", opaque="${o.opaque ?? param(challenge, 'opaque')}"`;
}

const ALICE: StoredHa1 = computeStoredHa1('alice', REALM, 'secret');

t.test(
  'challenge: one value per algorithm, SHA-256 first, same nonce, qop=auth, opaque, stale on demand',
  (t) => {
    const { auth } = setup();
    const [first, second, ...rest] = auth.challenge();
    t.same(rest, []);
    t.match(
      first,
      /^Digest realm="cc\.example\.com", qop="auth", algorithm=SHA-256, nonce="[A-Za-z0-9_-]{48}", opaque="[A-Za-z0-9_-]+"$/,
    );
    t.match(second, /^Digest realm="cc\.example\.com", qop="auth", algorithm=MD5, nonce=/);
    t.equal(param(first ?? '', 'nonce'), param(second ?? '', 'nonce'));
    t.match(auth.challenge({ stale: true })[0], /, stale=true$/);
    t.not(
      param(auth.challenge()[0] ?? '', 'nonce'),
      param(first ?? '', 'nonce'),
      'a fresh nonce per challenge',
    );
    t.end();
  },
);

t.test('a correct answer is accepted with either algorithm', (t) => {
  const { auth } = setup();
  for (const i of [0, 1]) {
    const ch = auth.challenge()[i] ?? '';
    const v = auth.verify({ authorization: answer(ch), method: 'REGISTER', ha1: ALICE });
    t.same(v, { ok: true, username: 'alice', algorithm: param(ch, 'algorithm') });
  }
  t.end();
});

t.test('no user enumeration: unknown user and wrong password get the same verdict', (t) => {
  const { auth } = setup();
  const [ch = ''] = auth.challenge();
  const wrongPassword = auth.verify({
    authorization: answer(ch, { password: 'guess' }),
    method: 'REGISTER',
    ha1: ALICE,
  });
  const unknownUser = auth.verify({
    authorization: answer(ch, { user: 'mallory' }),
    method: 'REGISTER',
    ha1: undefined,
  });
  t.same(wrongPassword, { ok: false, reason: 'invalid', stale: false });
  t.same(unknownUser, wrongPassword);
  const onlyMd5 = auth.verify({
    authorization: answer(ch),
    method: 'REGISTER',
    ha1: { md5: ALICE.md5 ?? '' },
  });
  t.same(onlyMd5, wrongPassword, 'no HA1 stored for the algorithm used');
  t.end();
});

t.test('nonce expiry: stale=true only when the digest is right', (t) => {
  const { auth, clock } = setup();
  const [ch = ''] = auth.challenge();
  clock.advance(61_000);
  t.same(auth.verify({ authorization: answer(ch), method: 'REGISTER', ha1: ALICE }), {
    ok: false,
    reason: 'stale',
    stale: true,
  });
  t.same(auth.verify({ authorization: answer(ch, { password: 'x' }), method: 'REGISTER', ha1: ALICE }), {
    ok: false,
    reason: 'invalid',
    stale: false,
  });
  t.same(auth.verify({ authorization: answer(ch, { user: 'nobody' }), method: 'REGISTER', ha1: undefined }), {
    ok: false,
    reason: 'invalid',
    stale: false,
  });
  t.end();
});

t.test(
  'nonces are stateless: another instance with the same secret accepts them; another secret does not',
  (t) => {
    const a = setup();
    const b = setup();
    const c = setup({ secret: 'another-secret-another-secret!!' });
    const [ch = ''] = a.auth.challenge();
    t.equal(b.auth.verify({ authorization: answer(ch), method: 'REGISTER', ha1: ALICE }).ok, true);
    t.same(c.auth.verify({ authorization: answer(ch), method: 'REGISTER', ha1: ALICE }), {
      ok: false,
      reason: 'invalid',
      stale: false,
    });
    t.end();
  },
);

t.test('nc replay is refused; a higher nc with the same nonce is accepted', (t) => {
  const { auth } = setup();
  const [ch = ''] = auth.challenge();
  t.equal(auth.verify({ authorization: answer(ch), method: 'REGISTER', ha1: ALICE }).ok, true);
  t.same(auth.verify({ authorization: answer(ch), method: 'REGISTER', ha1: ALICE }), {
    ok: false,
    reason: 'replay',
    stale: true,
  });
  t.equal(
    auth.verify({ authorization: answer(ch, { nc: '00000002' }), method: 'REGISTER', ha1: ALICE }).ok,
    true,
  );
  t.same(
    auth.verify({ authorization: answer(ch, { nc: '00000002' }), method: 'REGISTER', ha1: ALICE }).ok,
    false,
  );
  t.end();
});

t.test('a forged, tampered or future nonce and a wrong opaque are invalid', (t) => {
  const { auth } = setup();
  const [ch = ''] = auth.challenge();
  const nonce = param(ch, 'nonce');
  const flipped = (nonce.startsWith('A') ? 'B' : 'A') + nonce.slice(1);
  const v = (authorization: string): unknown =>
    auth.verify({ authorization, method: 'REGISTER', ha1: ALICE });
  const invalid = { ok: false, reason: 'invalid', stale: false };
  t.same(v(answer(ch, { nonce: flipped })), invalid, 'tampered');
  t.same(v(answer(ch, { nonce: 'bm90LWEtbm9uY2U' })), invalid, 'forged');
  t.same(v(answer(ch, { opaque: 'wrong' })), invalid, 'opaque');
  const future = setup();
  future.clock.advance(3_600_000);
  const [later = ''] = future.auth.challenge();
  t.same(v(answer(later)), invalid, 'issued an hour in the future');
  t.end();
});

t.test('method and uri are covered by the digest', (t) => {
  const { auth } = setup();
  const [ch = ''] = auth.challenge();
  t.same(
    auth.verify({ authorization: answer(ch, { method: 'INVITE' }), method: 'REGISTER', ha1: ALICE }).ok,
    false,
  );
  t.end();
});

t.test('wrong realm, unsupported algorithms, missing qop, malformed', (t) => {
  const { auth } = setup({ algorithms: ['SHA-256'] });
  const [ch = ''] = auth.challenge();
  const good = answer(ch);
  const v = (authorization: string): unknown =>
    auth.verify({ authorization, method: 'REGISTER', ha1: ALICE });
  t.same(v(good.replace(`realm="${REALM}"`, 'realm="other"')), {
    ok: false,
    reason: 'wrong-realm',
    stale: false,
  });
  t.same(v(good.replace('algorithm=SHA-256', 'algorithm=MD5')), {
    ok: false,
    reason: 'unsupported',
    stale: false,
  });
  t.same(v(good.replace('algorithm=SHA-256', 'algorithm=SHA-256-sess')), {
    ok: false,
    reason: 'unsupported',
    stale: false,
  });
  t.same(v(`${good}, userhash=true`), { ok: false, reason: 'unsupported', stale: false });
  t.same(v(good.replace('qop=auth, ', '')), { ok: false, reason: 'unsupported', stale: false });
  t.same(v(good.replace('nc=00000001', 'nc=1')), { ok: false, reason: 'malformed', stale: false });
  t.same(v('Digest nonsense'), { ok: false, reason: 'malformed', stale: false });
  t.same(
    auth.verify({
      authorization: good.replace('algorithm=SHA-256', 'algorithm=sha-256'),
      method: 'REGISTER',
      ha1: ALICE,
    }).ok,
    true,
    'algorithm tokens are case-insensitive',
  );
  t.end();
});

t.test('the nc cache is bounded and a forgotten nonce is answered stale', (t) => {
  const { auth } = setup({ maxTrackedNonces: 2 });
  const challenges = [0, 1, 2].map(() => auth.challenge()[0] ?? '');
  const [first = ''] = challenges;
  for (const ch of challenges)
    t.equal(auth.verify({ authorization: answer(ch), method: 'REGISTER', ha1: ALICE }).ok, true);
  t.same(auth.verify({ authorization: answer(first, { nc: '00000002' }), method: 'REGISTER', ha1: ALICE }), {
    ok: false,
    reason: 'stale',
    stale: true,
  });
  const cache = new NonceCountCache(1);
  t.equal(cache.use('a', 10, 1), 'fresh');
  t.equal(cache.use('b', 20, 1), 'fresh');
  t.equal(cache.size, 1);
  t.equal(cache.use('a', 10, 2), 'forgotten');
  t.equal(cache.use('b', 20, 1), 'replay');
  t.equal(cache.use('c', 30, 1), 'fresh');
  t.end();
});

t.test('configuration errors are refused', (t) => {
  const clock = new FakeClock();
  t.throws(() => new DigestAuthenticator({ realm: REALM, secret: 'short', clock }), RangeError);
  t.throws(
    () => new DigestAuthenticator({ realm: REALM, secret: SECRET, clock, algorithms: [] }),
    RangeError,
  );
  t.throws(() => new NonceCountCache(0), RangeError);
  t.end();
});
