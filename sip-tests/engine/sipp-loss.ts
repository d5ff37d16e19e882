/**
 * How many messages SIPp dropped on purpose (`-lost`): the "Lost" column that SIPp adds to its
 * scenario screen when packet loss is on. The harness's step parser expects the loss-free column
 * headings, so the column is read here, by position (SIPp prints fixed-width columns and leaves
 * cells empty, so counting numbers from either end would be ambiguous).
 */

/** Sum of the Lost column of the first scenario screen in a `-trace_screen` file (0 when absent). */
export function lostMessages(screen: string): number {
  const lines = screen.split(/\r?\n/);
  const header = lines.findIndex((l) => /\bMessages\s+Retrans\b.*\bLost\s*$/.test(l));
  if (header < 0) return 0;
  const column = lines[header]?.lastIndexOf('Lost') ?? -1;
  let lost = 0;
  for (const line of lines.slice(header + 1)) {
    if (/^\s*-{6,}\s/.test(line) || /Last Error|Waiting for|Statistics Screen/.test(line)) break;
    if (!/-{3,}>|<-{3,}/.test(line)) continue; // only message lines carry an arrow
    const cell = /^\s*(\d+)/.exec(line.slice(column));
    if (cell?.[1]) lost += Number(cell[1]);
  }
  return lost;
}
