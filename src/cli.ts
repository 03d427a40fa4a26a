import { Command, CommanderError } from 'commander';
import { ExitCode, UsageError } from './util/errors.js';
import { toolVersion } from './util/version.js';
// One file per command in src/commands/: each exports register(program).
import { register as registerInventory } from './commands/inventory.js';
import { register as registerAnalyze } from './commands/analyze.js';
import { register as registerRunbooks } from './commands/runbooks.js';
import { register as registerProbe } from './commands/probe.js';

export function buildProgram(): Command {
  const program = new Command('extls')
    .description('Find the Exchange servers that break mail flow once TLS 1.0/1.1 are gone, prove it, write the runbooks.')
    .version(toolVersion)
    .exitOverride()
    // asked-for output (help, version, data) to stdout; progress and errors to stderr
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  registerInventory(program);
  registerAnalyze(program);
  registerRunbooks(program);
  registerProbe(program);
  return program;
}

/** Runs the CLI and returns the exit code (see README "Exit codes"). Commands set process.exitCode for 2. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`extls: ${err.message}\n`);
      return ExitCode.Usage;
    }
    process.stderr.write(`extls: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return ExitCode.Usage;
  }
}
