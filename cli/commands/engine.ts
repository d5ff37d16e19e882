/** `patchbay engine` — placeholder until sip-engine/ lands its runner. */
export function run(_argv: string[]): Promise<number> {
  process.stderr.write('patchbay engine: not implemented yet\n');
  return Promise.resolve(2);
}
