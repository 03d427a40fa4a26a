import type { Command } from 'commander';

// Placeholder registration: the runbooks command lands with its issue.
export function register(_program: Command): void {}
