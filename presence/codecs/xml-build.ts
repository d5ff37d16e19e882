/**
 * Serialising presence documents with fast-xml-parser's builder: the caller describes elements by
 * (namespace URI, local name) and gives one prefix per namespace; every namespace used is declared
 * on the root element. Text and attribute values are escaped by the builder; characters XML 1.0
 * §2.2 does not allow at all are dropped.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { OrderedNode } from './xml.js';

/** An element to serialise. Attribute names are written as given (e.g. `id`, `xml:lang`). */
export interface XmlOut {
  readonly ns: string;
  readonly name: string;
  readonly attrs?: Readonly<Record<string, string | number | undefined>>;
  readonly children?: readonly XmlOut[];
  readonly text?: string;
}

export class XmlBuildError extends Error {
  override readonly name = 'XmlBuildError';
  readonly code = 'unknown-namespace';
}

// fast-xml-parser 5.12 marks this re-export deprecated in favour of the separate fast-xml-builder
// package, which is only a transitive dependency; the pinned re-export is what we have.
// eslint-disable-next-line @typescript-eslint/no-deprecated
const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  suppressEmptyNode: true,
  format: true,
  indentBy: '  ',
  processEntities: true,
});

// XML 1.0 §2.2: characters that cannot appear in a document at all, even escaped.
const ILLEGAL_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function clean(s: string): string {
  return s.replace(ILLEGAL_CHARS, '');
}

function usedNamespaces(el: XmlOut, into: Set<string>): Set<string> {
  into.add(el.ns);
  for (const c of el.children ?? []) usedNamespaces(c, into);
  return into;
}

function toOrdered(
  el: XmlOut,
  prefixes: ReadonlyMap<string, string>,
  extra: Record<string, string>,
): OrderedNode {
  const prefix = prefixes.get(el.ns);
  if (prefix === undefined) throw new XmlBuildError(`no prefix for namespace '${el.ns}'`);
  const attrs: Record<string, string> = { ...extra };
  for (const [k, v] of Object.entries(el.attrs ?? {})) if (v !== undefined) attrs[k] = clean(String(v));
  const content: OrderedNode[] = [];
  if (el.text !== undefined && el.text !== '') content.push({ '#text': clean(el.text) });
  for (const c of el.children ?? []) content.push(toOrdered(c, prefixes, {}));
  const tag = prefix === '' ? el.name : `${prefix}:${el.name}`;
  return Object.keys(attrs).length > 0 ? { [tag]: content, ':@': attrs } : { [tag]: content };
}

/** Serialises `root` with an XML declaration, declaring on the root every namespace it uses. */
export function buildXml(root: XmlOut, prefixes: ReadonlyMap<string, string>): string {
  const decls: Record<string, string> = {};
  const used = usedNamespaces(root, new Set());
  for (const [uri, prefix] of prefixes)
    if (used.has(uri)) decls[prefix === '' ? 'xmlns' : `xmlns:${prefix}`] = uri;
  const doc = [
    { '?xml': [{ '#text': '' }], ':@': { version: '1.0', encoding: 'UTF-8' } },
    toOrdered(root, prefixes, decls),
  ];
  return builder.build(doc).trim() + '\n';
}
