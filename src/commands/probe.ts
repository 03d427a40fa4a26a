import type { Command } from 'commander';

// Placeholder registration: the probe command lands with its issue.
export function register(_program: Command): void {}
