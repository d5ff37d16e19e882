/** What a synchronous call threw, as "Name:code" (e.g. "SipParseError:bad-uri"), for one-line assertions. */
export function thrownCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error) {
      const code = (e as { code?: unknown }).code;
      return typeof code === 'string' ? `${e.name}:${code}` : `${e.name}: ${e.message}`;
    }
    return `non-Error: ${String(e)}`;
  }
  return 'nothing thrown';
}
