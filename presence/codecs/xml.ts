/**
 * A small, safe XML reader over fast-xml-parser for presence documents: parse into a namespace-
 * resolved element tree (building is in xml-build.ts).
 *
 * Safety (the body comes from the network):
 *  - size is checked in bytes before anything is decoded;
 *  - any DOCTYPE or ENTITY declaration is refused (no XXE, no "billion laughs"); fast-xml-parser's
 *    own entity processing is switched off and only the five predefined entities and numeric
 *    character references are decoded here (XML 1.0 §4.6, §4.1);
 *  - nesting depth and element count are bounded;
 *  - names are resolved to (namespace URI, local name) pairs (Namespaces in XML 1.0 §5/§6), so
 *    callers never look at prefixes.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { defaultParseLimits, documentError } from './errors.js';
import type { DocumentResult, ParseLimits, PresenceDocumentErrorCode } from './errors.js';
import { NS } from './namespaces.js';

export interface XmlElement {
  readonly ns: string;
  readonly name: string;
  /** Unprefixed attributes by name; prefixed ones as `{uri}local` (e.g. `{…/XML/1998/namespace}lang`). */
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own character data (text and CDATA), decoded, not trimmed. */
  readonly text: string;
}

class TreeError extends Error {
  constructor(
    readonly code: PresenceDocumentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([A-Za-z][A-Za-z0-9._-]*))?;?/g;

/** Decodes predefined entities and character references; anything else is not well-formed here. */
export function decodeXmlText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (match: string, hex?: string, dec?: string, name?: string) => {
    if (!match.endsWith(';')) throw new TreeError('malformed-xml', `bad reference '${match}'`);
    if (name !== undefined) {
      const value = PREDEFINED[name];
      if (value === undefined) throw new TreeError('malformed-xml', `undeclared entity '&${name};'`);
      return value;
    }
    const cp = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    if (!isXmlChar(cp)) throw new TreeError('malformed-xml', `reference to an illegal character '${match}'`);
    return String.fromCodePoint(cp);
  });
}

/** XML 1.0 §2.2 Char production. */
function isXmlChar(cp: number): boolean {
  if (cp === 0x9 || cp === 0xa || cp === 0xd) return true;
  if (cp >= 0x20 && cp <= 0xd7ff) return true;
  if (cp >= 0xe000 && cp <= 0xfffd) return true;
  return cp >= 0x10000 && cp <= 0x10ffff;
}

function parserFor(maxDepth: number): XMLParser {
  return new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    allowBooleanAttributes: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: '#cdata',
    maxNestedTags: maxDepth,
  });
}

function decodeBody(body: string | Uint8Array, maxBytes: number): DocumentResult<string> {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (bytes > maxBytes) return documentError('too-large', `document is ${bytes} bytes, limit ${maxBytes}`);
  if (typeof body === 'string') return { ok: true, value: body.replace(/^\uFEFF/, '') };
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch (e) {
    return documentError('malformed-xml', 'document is not valid UTF-8', e);
  }
}

/** Parses an XML document into its root element (see the module comment for the limits). */
export function parseXml(body: string | Uint8Array, limits: ParseLimits = {}): DocumentResult<XmlElement> {
  const maxDepth = limits.maxDepth ?? defaultParseLimits.maxDepth;
  const maxElements = limits.maxElements ?? defaultParseLimits.maxElements;
  const decoded = decodeBody(body, limits.maxBytes ?? defaultParseLimits.maxBytes);
  if (!decoded.ok) return decoded;
  const text = decoded.value;
  if (/<!DOCTYPE|<!ENTITY/.test(text))
    return documentError('forbidden-dtd', 'DTDs and entity declarations are refused');
  // fast-xml-parser 5.12 marks its re-export deprecated in favour of the separate
  // fast-xml-validator package, which is not a dependency; the pinned re-export is what we have.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    return documentError('malformed-xml', `${msg} (line ${line}, column ${col})`);
  }
  let ordered: unknown;
  try {
    ordered = parserFor(maxDepth).parse(text);
  } catch (e) {
    const deep = e instanceof Error && /nested tags/i.test(e.message);
    return documentError(
      deep ? 'too-deep' : 'malformed-xml',
      deep ? `nesting deeper than ${maxDepth}` : 'unparsable',
      e,
    );
  }
  try {
    const roots = asNodeList(ordered).filter((n) => elementTag(n) !== undefined);
    const [root] = roots;
    if (roots.length !== 1 || root === undefined)
      return documentError('malformed-xml', 'expected exactly one root element');
    const budget = { left: maxElements };
    return { ok: true, value: toElement(root, new Map([['xml', NS.xml]]), budget) };
  } catch (e) {
    if (e instanceof TreeError) return documentError(e.code, e.message);
    return documentError('malformed-xml', 'unexpected parser output', e);
  }
}

export type OrderedNode = Readonly<Record<string, unknown>>;

function asNodeList(value: unknown): OrderedNode[] {
  if (!Array.isArray(value)) throw new TreeError('malformed-xml', 'unexpected parser output');
  return value.filter((v): v is OrderedNode => typeof v === 'object' && v !== null);
}

function elementTag(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && k !== '#text' && k !== '#cdata');
}

function resolve(qname: string, scope: ReadonlyMap<string, string>, isAttr: boolean): [string, string] {
  const colon = qname.indexOf(':');
  if (colon < 0) return [isAttr ? '' : (scope.get('') ?? ''), qname];
  const prefix = qname.slice(0, colon);
  const uri = scope.get(prefix);
  if (uri === undefined) throw new TreeError('malformed-xml', `undeclared namespace prefix '${prefix}'`);
  return [uri, qname.slice(colon + 1)];
}

function rawAttributes(node: OrderedNode): [string, string][] {
  const attrs = node[':@'];
  if (typeof attrs !== 'object' || attrs === null) return [];
  return Object.entries(attrs).map(([k, v]): [string, string] => [k, decodeXmlText(String(v))]);
}

/** Namespaces in XML 1.0 §6.1: declarations on an element are in scope for it and its content. */
function childScope(
  attrs: [string, string][],
  parent: ReadonlyMap<string, string>,
): ReadonlyMap<string, string> {
  const decls = attrs.filter(([k]) => k === 'xmlns' || k.startsWith('xmlns:'));
  if (decls.length === 0) return parent;
  const scope = new Map(parent);
  for (const [k, v] of decls) {
    if (k === 'xmlns') scope.set('', v);
    else if (v === '') throw new TreeError('malformed-xml', `empty namespace for '${k}'`);
    else scope.set(k.slice(6), v);
  }
  return scope;
}

function toElement(
  node: OrderedNode,
  parentScope: ReadonlyMap<string, string>,
  budget: { left: number },
): XmlElement {
  if (--budget.left < 0) throw new TreeError('too-large', 'too many elements');
  const tag = elementTag(node) ?? '';
  const raw = rawAttributes(node);
  const scope = childScope(raw, parentScope);
  const [ns, name] = resolve(tag, scope, false);
  const attrs = new Map<string, string>();
  for (const [k, v] of raw) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const [uri, local] = resolve(k, scope, true);
    attrs.set(uri === '' ? local : `{${uri}}${local}`, v);
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const child of asNodeList(node[tag])) {
    if (typeof child['#text'] === 'string') text += decodeXmlText(child['#text']);
    else if ('#cdata' in child)
      text += asNodeList(child['#cdata'])
        .map((c) => (typeof c['#text'] === 'string' ? c['#text'] : ''))
        .join('');
    else if (elementTag(child) !== undefined) children.push(toElement(child, scope, budget));
  }
  return { ns, name, attrs, children, text };
}

// ---- helpers for codecs -------------------------------------------------------------------------

export function childrenNamed(el: XmlElement, ns: string | readonly string[], name: string): XmlElement[] {
  const nss = typeof ns === 'string' ? [ns] : ns;
  return el.children.filter((c) => c.name === name && nss.includes(c.ns));
}

export function firstChild(
  el: XmlElement,
  ns: string | readonly string[],
  name: string,
): XmlElement | undefined {
  return childrenNamed(el, ns, name)[0];
}

/** The trimmed text of the first such child, if present and not empty. */
export function childText(el: XmlElement, ns: string | readonly string[], name: string): string | undefined {
  const t = firstChild(el, ns, name)?.text.trim();
  return t === undefined || t === '' ? undefined : t;
}

/** The element's `xml:lang` (XML 1.0 §2.12), if given. */
export function xmlLang(el: XmlElement): string | undefined {
  return el.attrs.get(`{${NS.xml}}lang`);
}
