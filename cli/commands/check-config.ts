/** `patchbay check-config` — placeholder until the platform issue wires it. */
export function run(_argv: string[]): Promise<number> {
  process.stderr.write('patchbay check-config: not implemented yet\n');
  return Promise.resolve(2);
}
