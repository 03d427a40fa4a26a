/** Exit codes are part of the CLI's contract (README "Exit codes"). */
export const ExitCode = {
  Ok: 0,
  /** bad usage, bad config, unreadable input */
  Usage: 1,
  /** the run finished but some servers (or endpoints) failed */
  Partial: 2,
} as const;

/** An error the user caused and can fix: printed without a stack, exits 1. */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}
