import t from 'tap';
import { FakeClock } from '../../../sip-engine/util/clock.js';
import { computeResponse, computeStoredHa1, DigestAuthenticator } from '../../registrar/digest.js';
import { digestPresenceAuthenticator } from './digest-authenticator.js';

const REALM = 'cc.example.com';

function world() {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const digest = new DigestAuthenticator({
    realm: REALM,
    secret: 'a-test-secret-of-16+bytes',
    clock,
    algorithms: ['MD5'],
  });
  const users = new Map([['alice', computeStoredHa1('alice', REALM, 'pw')]]);
  const auth = digestPresenceAuthenticator(digest, { ha1Of: (u) => users.get(u) }, REALM);
  return { auth, digest };
}

function nonceOf(challenge: string): string {
  return /nonce="([^"]+)"/.exec(challenge)?.[1] ?? '';
}

function credentials(user: string, password: string, nonce: string, nc = '00000001'): string {
  const uri = `sip:${user}@${REALM}`;
  const ha1 = computeStoredHa1(user, REALM, password).md5 ?? '';
  const response = computeResponse({
    algorithm: 'MD5',
    ha1,
    nonce,
    nc,
    cnonce: 'cn',
    qop: 'auth',
    method: 'PUBLISH',
    uri,
  });
  return `Digest username="${user}", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="cn"`;
}

t.test('challenge, then the right password authenticates as sip:user@domain', async (t) => {
  const { auth } = world();
  const first = await auth.authenticate({
    method: 'PUBLISH',
    requestUri: `sip:alice@${REALM}`,
    authorization: undefined,
  });
  t.equal(first.kind, 'challenge');
  const challenge = first.kind === 'challenge' ? (first.challenges[0] ?? '') : '';
  t.match(challenge, /^Digest realm="cc.example.com"/);
  const ok = await auth.authenticate({
    method: 'PUBLISH',
    requestUri: `sip:alice@${REALM}`,
    authorization: credentials('alice', 'pw', nonceOf(challenge)),
  });
  t.same(ok, { kind: 'authenticated', aor: `sip:alice@${REALM}` });
});

t.test('wrong password and unknown user get the same new challenge; garbage gets 400', async (t) => {
  const { auth, digest } = world();
  const nonce = nonceOf(digest.challenge()[0] ?? '');
  const wrong = await auth.authenticate({
    method: 'PUBLISH',
    requestUri: 'x',
    authorization: credentials('alice', 'nope', nonce),
  });
  const nobody = await auth.authenticate({
    method: 'PUBLISH',
    requestUri: 'x',
    authorization: credentials('eve', 'pw', nonce),
  });
  t.equal(wrong.kind, 'challenge');
  t.equal(nobody.kind, 'challenge');
  const garbage = await auth.authenticate({
    method: 'PUBLISH',
    requestUri: 'x',
    authorization: 'Digest ,,,',
  });
  t.match(garbage, { kind: 'rejected', status: 400 });
  const basic = await auth.authenticate({
    method: 'PUBLISH',
    requestUri: 'x',
    authorization: 'Basic YWxpY2U6cHc=',
  });
  t.equal(basic.kind, 'challenge', 'another scheme: challenged for Digest');
});
