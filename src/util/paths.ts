import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (works from src/ under ts-jest and from dist/ once built). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const schemasDir = join(packageRoot, 'schemas');
export const psDir = join(packageRoot, 'ps');
export const templatesDir = join(packageRoot, 'templates');
export const dataDir = join(packageRoot, 'data');
/** Built by scripts/build-collector.mjs from ps/collector/*.ps1. */
export const collectorScript = join(packageRoot, 'dist', 'ExTlsCollector.ps1');
