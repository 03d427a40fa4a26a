import { Command, CommanderError } from 'commander';
import { ExitCode, UsageError } from './util/errors.js';
import { toolVersion } from './util/version.js';

// One file per command in src/commands/: each exports register(program, exit), and its action hands its exit code to
// exit() (no global process.exitCode). Loaded on demand: `extls runbooks` has no
// use for the PowerShell host or the SMTP prober (all four modules: ~0.3 s and ~11 MB more at start).
/** What a command's action reports back: its exit code (README "Exit codes"). */
export type ExitWith = (code: number) => void;

const commands: Record<string, () => Promise<{ register(program: Command, exit: ExitWith): void }>> = {
  inventory: () => import('./commands/inventory.js'),
  analyze: () => import('./commands/analyze.js'),
  runbooks: () => import('./commands/runbooks.js'),
  probe: () => import('./commands/probe.js'),
  diff: () => import('./commands/diff.js'),
};

/** The program with the command `argv` names, or with every command (help, version, a name it does not know). */
export async function buildProgram(argv: string[] = [], exit: ExitWith = () => undefined): Promise<Command> {
  // no global option takes a value, so the first argument that is not an option is the command
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const wanted = named !== undefined && Object.hasOwn(commands, named) ? [named] : Object.keys(commands);
  const modules = await Promise.all(wanted.map((name) => commands[name]!()));
  const program = new Command('extls')
    .description('Find the Exchange servers that break mail flow once TLS 1.0/1.1 are gone, prove it, write the runbooks.')
    .version(toolVersion)
    .exitOverride()
    // asked-for output (help, version, data) to stdout; progress and errors to stderr
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  for (const m of modules) m.register(program, exit);
  return program;
}

/** Runs the CLI and returns the exit code (see README "Exit codes"): the one the command's action handed back. */
export async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.Ok;
  const program = await buildProgram(argv, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
    return code;
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
