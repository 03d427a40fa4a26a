import { Command, CommanderError } from 'commander';
import { ExitCode, UsageError } from './util/errors.js';
import { installSignalHandlers } from './util/interrupt.js';
import { oneLine } from './util/one-line.js';
import { terminalText } from './cli/terminal.js';
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
async function buildProgram(argv: string[] = [], exit: ExitWith = () => undefined): Promise<Command> {
  // no global option takes a value, so the first argument that is not an option is the command
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const wanted = named !== undefined && Object.hasOwn(commands, named) ? [named] : Object.keys(commands);
  const modules = await Promise.all(wanted.map((name) => commands[name]!()));
  const program = new Command('extls')
    .description('Find the Exchange servers that break mail flow once TLS 1.0/1.1 are gone, prove it, write the runbooks.')
    .version(toolVersion)
    .exitOverride()
    // asked-for output (help, version, data) to stdout; progress and errors to stderr
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(terminalText(s)) });
  for (const m of modules) m.register(program, exit);
  return program;
}

/**
 * The one error path: whatever went wrong becomes `extls: <message>` on stderr (one line unless the message is a
 * list the user needs, such as a fleet file's schema errors), and exit code 1. A stack only with EXTLS_DEBUG=1.
 */
function reportError(err: unknown, command: string | undefined): number {
  if (err instanceof UsageError) {
    process.stderr.write(`extls: ${terminalText(err.message)}\n`);
  } else {
    const e = err as NodeJS.ErrnoException | undefined;
    const message = e instanceof Error ? e.message : String(err);
    // Node's file errors already name the path ("ENOENT: no such file or directory, open 'x'")
    const where = e instanceof Error && e.path && !message.includes(e.path) ? `${e.path}: ` : '';
    process.stderr.write(`extls${command ? ` ${command}` : ''}: ${terminalText(where)}${terminalText(oneLine(message)) || 'failed'}\n`);
    if (process.env.EXTLS_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  }
  return ExitCode.Usage;
}

/**
 * A reader that stops reading (`| head`, `Select-Object -First`) closes the pipe: what is still to be printed is
 * dropped, the run (and the files it writes) completes.
 */
function tolerateClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    stream.write = (() => true) as typeof stream.write;
  });
}

/**
 * The process around the CLI (bin/extls.js): errors that escape every command (a stream's error event, a
 * rejected promise nobody awaited) take the same error path; signals clean up; a closed stdout is no crash.
 */
export async function cliProcess(argv: string[]): Promise<number> {
  const command = argv.slice(2).find((a) => !a.startsWith('-'));
  const fail = (err: unknown) => {
    process.exitCode = reportError(err, command);
    process.exit();
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  tolerateClosedPipe(process.stdout);
  tolerateClosedPipe(process.stderr);
  installSignalHandlers();
  const code = await main(argv);
  // A signal that came while a command computed without pause (an analysis, the last files) is dispatched on the
  // next turn of the event loop: let it come, so it ends the process (130/143) instead of being lost at exit.
  // (A command that handles signals itself, inventory and runbooks, has already chosen its exit code.)
  await new Promise<void>((resolve) => setImmediate(resolve));
  return code;
}

/** Runs the CLI and returns the exit code (see README "Exit codes"): the one the command's action handed back. */
export async function main(argv: string[]): Promise<number> {
  const command = argv.slice(2).find((a) => !a.startsWith('-'));
  let code: number = ExitCode.Ok;
  try {
    const program = await buildProgram(argv, (c) => {
      code = c;
    });
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    return reportError(err, command);
  }
}
