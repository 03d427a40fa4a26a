// SIGINT / SIGTERM: a command that can stop cleanly (inventory: stop the driver, keep what was collected) is told
// once; a second signal, or a signal while no such command runs, ends the process at once. Either way temporary
// output files are removed (atomic-write.ts) and children started through execa are ended with us.
import { removeLiveTemps } from './atomic-write.js';

type Handler = (signal: NodeJS.Signals) => void;
const handlers = new Set<Handler>();
let installed = false;
let received = 0;

/** Exit code of a process ended by a signal, as shells report it (128 + signal number). */
export const signalExitCode = (signal: NodeJS.Signals): number => (signal === 'SIGINT' ? 130 : 143);

function onSignal(signal: NodeJS.Signals): void {
  received++;
  if (received === 1 && handlers.size > 0) {
    process.stderr.write(`extls: ${signal}: stopping (again to quit at once)\n`);
    for (const h of [...handlers]) h(signal);
    return;
  }
  removeLiveTemps();
  process.stderr.write(`extls: ${signal}: stopped\n`);
  // 'exit' handlers (execa's child cleanup, the temp files) still run
  process.exit(signalExitCode(signal));
}

/** Installs the SIGINT/SIGTERM handlers (the CLI does, once). */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** While the returned function is not called, the first signal calls `handler` instead of ending the process. */
export function onInterrupt(handler: Handler): () => void {
  installSignalHandlers();
  handlers.add(handler);
  return () => handlers.delete(handler);
}
