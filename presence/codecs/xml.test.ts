import t from 'tap';
import { NS } from './namespaces.js';
import { buildXml } from './xml-build.js';
import { parseXml } from './xml.js';
import type { XmlElement } from './xml.js';

function code(body: string | Uint8Array, limits = {}): string {
  const r = parseXml(body, limits);
  return r.ok ? 'ok' : r.error.code;
}

function root(body: string): XmlElement {
  const r = parseXml(body);
  if (!r.ok) throw r.error;
  return r.value;
}

t.test('names resolve to namespace URIs whatever the prefix', (t) => {
  const a = root('<p:x xmlns:p="urn:a"><p:y/></p:x>');
  const b = root('<x xmlns="urn:a"><y/></x>');
  const c = root('<q:x xmlns:q="urn:a"><y xmlns="urn:a"/></q:x>');
  for (const el of [a, b, c]) {
    t.equal(el.ns, 'urn:a');
    t.equal(el.name, 'x');
    t.equal(el.children[0]?.ns, 'urn:a');
    t.equal(el.children[0]?.name, 'y');
  }
  const d = root('<x xmlns="urn:a"><y xmlns=""/></x>');
  t.equal(d.children[0]?.ns, '', 'xmlns="" undeclares the default namespace');
  t.end();
});

t.test('attributes: unprefixed have no namespace, prefixed are keyed by URI, xmlns not kept', (t) => {
  const el = root('<x xmlns="urn:a" xmlns:z="urn:z" id="1" z:k="2" xml:lang="fr"/>');
  t.same(
    [...el.attrs.entries()].sort(),
    [
      ['id', '1'],
      [`{${NS.xml}}lang`, 'fr'],
      ['{urn:z}k', '2'],
    ].sort(),
  );
  t.end();
});

t.test('predefined entities and character references decode once; CDATA stays raw', (t) => {
  t.equal(root('<x>a &amp; b &lt;c&gt; &quot;&apos;</x>').text, 'a & b <c> "\'');
  t.equal(root('<x>&#169;&#xE9;&#x1F600;</x>').text, '©é😀');
  t.equal(root('<x>&amp;#65;</x>').text, '&#65;', 'no double decoding');
  t.equal(root('<x><![CDATA[a &amp; <b>]]></x>').text, 'a &amp; <b>');
  t.equal(root('<x a="&lt;&#65;&amp;"/>').attrs.get('a'), '<A&');
  t.equal(code('<x>&nbsp;</x>'), 'malformed-xml', 'HTML entities are not XML');
  t.equal(code('<x>&#0;</x>'), 'malformed-xml', 'a reference to an illegal character');
  t.equal(code('<x>&#xD800;</x>'), 'malformed-xml', 'a reference to a surrogate');
  t.end();
});

t.test('DTDs are refused: no external entities, no entity expansion', (t) => {
  const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';
  const laughs =
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' +
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><x>&c;&c;&c;</x>';
  t.equal(code(xxe), 'forbidden-dtd');
  t.equal(code(laughs), 'forbidden-dtd');
  t.equal(code('<!DOCTYPE x><x/>'), 'forbidden-dtd');
  t.end();
});

t.test('limits: bytes, depth, elements', (t) => {
  const big = `<x>${'a'.repeat(100)}</x>`;
  t.equal(code(big, { maxBytes: 50 }), 'too-large');
  t.equal(code(new TextEncoder().encode(big), { maxBytes: 50 }), 'too-large');
  t.equal(code(big, { maxBytes: 200 }), 'ok');
  t.equal(code(`<x>${'é'.repeat(30)}</x>`, { maxBytes: 50 }), 'too-large', 'bytes, not characters');
  const deep = '<a>'.repeat(40) + '</a>'.repeat(40);
  t.equal(code(deep), 'too-deep');
  t.equal(code(deep, { maxDepth: 64 }), 'ok');
  t.equal(code(`<x>${'<y/>'.repeat(20)}</x>`, { maxElements: 10 }), 'too-large');
  t.end();
});

t.test('malformed input is a value, never a throw', (t) => {
  for (const bad of [
    '',
    'text only',
    '<a><b></a>',
    '<a/><b/>',
    '<a x="1" x="2"/>',
    '<p:a/>',
    '<a xmlns:p=""/>',
    '<a>x & y</a>',
    '<__proto__/>',
    '<a><constructor><__proto__ polluted="1"/></constructor></a>',
  ]) {
    t.equal(code(bad), 'malformed-xml', JSON.stringify(bad));
  }
  t.equal(
    code(new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e])),
    'malformed-xml',
    'bad UTF-8',
  );
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  t.end();
});

t.test('a byte-order mark and bytes input are accepted', (t) => {
  t.equal(code('\uFEFF<x/>'), 'ok');
  t.equal(code(new TextEncoder().encode('<x>é</x>')), 'ok');
  t.end();
});

t.test('buildXml declares used namespaces on the root and escapes text and attributes', (t) => {
  const prefixes = new Map([
    ['urn:a', ''],
    ['urn:b', 'b'],
    ['urn:unused', 'u'],
  ]);
  const xml = buildXml(
    {
      ns: 'urn:a',
      name: 'x',
      attrs: { id: 'q"<&>', gone: undefined },
      children: [
        { ns: 'urn:b', name: 'y', text: 'a & <b> \u0001' },
        { ns: 'urn:b', name: 'z' },
      ],
    },
    prefixes,
  );
  t.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
  t.notMatch(xml, /urn:unused/);
  t.notMatch(xml, /gone/);
  t.match(xml, /<b:z\/>/);
  const back = root(xml);
  t.equal(back.attrs.get('id'), 'q"<&>');
  t.equal(back.children[0]?.ns, 'urn:b');
  t.equal(back.children[0]?.text, 'a & <b> ', 'illegal characters are dropped');
  t.throws(() => buildXml({ ns: 'urn:nope', name: 'x' }, prefixes), { code: 'unknown-namespace' });
  t.end();
});
