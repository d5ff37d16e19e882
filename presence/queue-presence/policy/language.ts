/**
 * The note's language: RFC 3261 §20.3 Accept-Language (RFC 2616 §14.4 syntax: ranges with
 * q-values; a range matches a tag equal to it or starting with it followed by `-`; `*` matches
 * anything). The configured language the watcher prefers most wins; without a match, English if
 * configured, else the first configured language.
 */

interface Range {
  readonly range: string;
  readonly q: number;
  readonly order: number;
}

function parseRanges(header: string): Range[] {
  return header
    .split(',')
    .map((part, order) => {
      const [range = '', ...params] = part.split(';').map((s) => s.trim());
      const qParam = params.find((p) => p.toLowerCase().startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { range: range.toLowerCase(), q: Number.isFinite(q) ? q : 0, order };
    })
    .filter((r) => r.range !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
}

function covers(range: string, tag: string): boolean {
  const t = tag.toLowerCase();
  return range === '*' || t === range || t.startsWith(`${range}-`);
}

/** The configured language to use, or undefined when none is configured. */
export function chooseLanguage(
  acceptLanguage: string | undefined,
  available: readonly string[],
): string | undefined {
  if (available.length === 0) return undefined;
  for (const r of parseRanges(acceptLanguage ?? '')) {
    const hit = available.find((tag) => covers(r.range, tag));
    if (hit !== undefined) return hit;
  }
  return available.find((tag) => covers('en', tag)) ?? available[0];
}
