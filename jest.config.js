// ESM jest: execa 9 is ESM-only and jest 30 cannot require() it on Node 20 (see reference toolchain notes).
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  // playwright-core (signal-exit 3) and execa (signal-exit 4) share an emitter on `process`; jest 30's soft
  // globals cleanup wraps it once per test file and recurses when two files in one worker touched it.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
  },
  testTimeout: 60000,
};
