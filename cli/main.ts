/**
 * patchbay CLI entry. Each sub-command lives in cli/commands/<name>.ts and exports `run(argv)`
 * returning an exit code (long-running commands resolve only when they stop).
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<number> }> }> = {
  start: { summary: 'run patchbay (engine, storage, bus, router, HTTP)', load: () => import('./commands/start.js') },
  engine: { summary: 'run only the SIP engine (drachtio-compatible server)', load: () => import('./commands/engine.js') },
  'check-config': { summary: 'validate a config file and list every error', load: () => import('./commands/check-config.js') },
  migrate: { summary: 'apply database migrations', load: () => import('./commands/migrate.js') },
};

export function usage(): string {
  const lines = ['Usage: patchbay <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(14)} ${c.summary}`);
  lines.push('', 'Run `patchbay <command> --help` for the options of a command.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write('patchbay 0.1.0\n');
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`patchbay: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  const mod = await cmd.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`patchbay: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
