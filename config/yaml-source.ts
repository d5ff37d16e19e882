/**
 * Parses the YAML config text, keeping positions so that every later problem (schema, semantics) can
 * say on which line and column of the file the offending key or value is.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import type { ConfigIssue } from './errors.js';

export interface Position {
  line: number;
  column: number;
}

export interface YamlSource {
  /** The parsed document as plain data (`{}` for an empty file); undefined when parsing failed. */
  value: unknown;
  issues: ConfigIssue[];
  /** Where the key (or item) at a JSON-pointer path is in the file; the closest ancestor if absent. */
  positionOf(path: string): Position | undefined;
}

/** Splits a JSON pointer (`/a/b~1c`) into unescaped segments. */
export function pointerSegments(path: string): string[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function parseYaml(text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const toPosition = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const issues: ConfigIssue[] = doc.errors.map((err) => {
    const pos = toPosition(err.pos[0]);
    return {
      path: '',
      message: `YAML syntax error: ${firstLine(err.message)}`,
      hint: 'fix the YAML syntax at this line (indentation, a missing ":" or quote, a duplicate key)',
      source: 'yaml',
      line: pos.line,
      column: pos.column,
    };
  });
  const positionOf = (path: string): Position | undefined => {
    const offset = locate(doc.contents, pointerSegments(path));
    return offset === undefined ? undefined : toPosition(offset);
  };
  if (issues.length > 0) return { value: undefined, issues, positionOf };
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  return { value: value ?? {}, issues, positionOf };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Offset of the key (for maps) or item (for sequences) named by `segments`, else the deepest ancestor. */
function locate(root: unknown, segments: string[]): number | undefined {
  let node: unknown = root;
  let best = nodeStart(root);
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return best;
      best = nodeStart(pair.key) ?? best;
      node = pair.value;
    } else if (isSeq(node)) {
      const child: unknown = node.items[Number(seg)];
      if (child === undefined) return best;
      best = nodeStart(child) ?? best;
      node = child;
    } else {
      return best;
    }
  }
  return best;
}

function nodeStart(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node)) return undefined;
  const range = (node as Node).range;
  return range ? range[0] : undefined;
}
