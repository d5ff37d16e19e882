import t from 'tap';
import { accessVerdict } from './access.js';
import { chooseLanguage } from './language.js';

t.test('access', (t) => {
  t.equal(accessVerdict('public', { aor: undefined }), 'allowed');
  t.equal(accessVerdict('authenticated', { aor: 'sip:a@b.example' }), 'needs-authentication');
  const allow = { allow: ['partner.example', '*.corp.example', 'sip:Boss@CC.example'] };
  t.equal(accessVerdict(allow, { aor: 'sip:x@partner.example' }), 'allowed');
  t.equal(
    accessVerdict(allow, { aor: 'sip:x@sub.partner.example' }),
    'denied',
    'a plain domain has no subdomains',
  );
  t.equal(accessVerdict(allow, { aor: 'sip:x@eu.corp.example' }), 'allowed');
  t.equal(accessVerdict(allow, { aor: 'sip:x@corp.example' }), 'denied', '*. means subdomains only');
  t.equal(accessVerdict(allow, { aor: 'sip:Boss@cc.example' }), 'allowed', 'host case-insensitive');
  t.equal(
    accessVerdict(allow, { aor: 'sip:boss@cc.example' }),
    'denied',
    'user part case-sensitive (RFC 3261 §19.1.4)',
  );
  t.equal(accessVerdict(allow, { aor: undefined }), 'denied');
  t.end();
});

t.test('Accept-Language', (t) => {
  const langs = ['en', 'fr', 'pt-BR'];
  t.equal(chooseLanguage('fr, en;q=0.5', langs), 'fr');
  t.equal(chooseLanguage('de, en;q=0.2, fr;q=0.8', langs), 'fr', 'by q-value');
  t.equal(chooseLanguage('pt', langs), 'pt-BR', 'a range covers its subtags');
  t.equal(chooseLanguage('de', langs), 'en', 'no match: English');
  t.equal(chooseLanguage(undefined, ['fr', 'de']), 'fr', 'no English: the first');
  t.equal(chooseLanguage('fr;q=0, *', langs), 'en', 'q=0 excludes');
  t.equal(chooseLanguage('fr', []), undefined);
  t.end();
});
