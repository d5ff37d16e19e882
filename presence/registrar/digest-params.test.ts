import t from 'tap';
import { formatChallenge, parseDigestCredentials, quote } from './digest-params.js';

// RFC 7616 §3.9.1's example values.
const RFC = {
  realm: 'http-auth@example.org',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
};
const RFC_SHA256 = '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1';

t.test('Authorization parser: the RFC example, escapes, username*, errors', (t) => {
  const header =
    `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256,\r\n` +
    ` nonce="${RFC.nonce}", nc=00000001, cnonce="${RFC.cnonce}", qop=auth, response="${RFC_SHA256}", opaque="${RFC.opaque}"`;
  t.same(parseDigestCredentials(header), {
    ok: true,
    value: {
      username: 'Mufasa',
      realm: RFC.realm,
      nonce: RFC.nonce,
      uri: RFC.uri,
      response: RFC_SHA256,
      algorithm: 'SHA-256',
      cnonce: RFC.cnonce,
      opaque: RFC.opaque,
      qop: 'auth',
      nc: '00000001',
      userhash: false,
    },
  });
  const esc = parseDigestCredentials(
    'digest USERNAME="a\\"b\\\\c", realm="r", nonce="n", uri="sip:r", response="x"',
  );
  t.equal(esc.ok && esc.value.username, 'a"b\\c');
  t.equal(esc.ok && esc.value.algorithm, 'MD5', 'absent algorithm means MD5');
  const ext = parseDigestCredentials(
    `Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm="r", nonce="n", uri="u", response="x"`,
  );
  t.equal(ext.ok && ext.value.username, 'Jäsøn Doe', 'RFC 7616 §3.4.4 username*');
  for (const bad of [
    'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
    'Digest realm="r", nonce="n", uri="u", response="x"',
    'Digest username="a", username="b", realm="r", nonce="n", uri="u", response="x"',
    'Digest username="a, realm="r"',
    'Digest username="a" realm="r"',
    'Digest username',
    `Digest username="a", username*=UTF-8''b, realm="r", nonce="n", uri="u", response="x"`,
    `Digest ${'x'.repeat(5000)}`,
  ]) {
    t.equal(parseDigestCredentials(bad).ok, false, bad.slice(0, 60));
  }
  t.end();
});

t.test('challenge formatting quotes the realm and adds stale only when asked', (t) => {
  t.equal(quote('a"b\\c'), '"a\\"b\\\\c"');
  const c = { realm: 'r"x', nonce: 'n', opaque: 'o', algorithm: 'SHA-256', stale: false };
  t.equal(formatChallenge(c), 'Digest realm="r\\"x", qop="auth", algorithm=SHA-256, nonce="n", opaque="o"');
  t.equal(
    formatChallenge({ ...c, stale: true }),
    'Digest realm="r\\"x", qop="auth", algorithm=SHA-256, nonce="n", opaque="o", stale=true',
  );
  const back = parseDigestCredentials(
    `Digest username="u", realm=${quote('r"x')}, nonce="n", uri="u", response="x"`,
  );
  t.equal(back.ok && back.value.realm, 'r"x', 'what we quote, the parser unquotes');
  t.end();
});
