// ESLint for the TypeScript sources and tests (`npm run lint`, and `npm test` fails on a lint error).
// src/contracts is generated from schemas/*.json by scripts/build-types.mjs; dist is tsc's output.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/**', 'src/contracts/**', 'node_modules/**', '.tools/**', 'bench/**', 'examples/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Escaping or removing control characters is what these files do: their patterns name them on purpose.
    files: ['src/runbooks/escape.ts', 'src/util/csv.ts', 'src/util/one-line.ts', 'test/runbooks/escaping.test.ts', 'test/hostile/escaping.property.test.ts', 'test/util/json.test.ts'],
    rules: { 'no-control-regex': 'off' },
  },
);
