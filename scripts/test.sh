#!/usr/bin/env bash
# The README's test command (`npm test`): sets up everything the tests need, then runs every test:
# the type check and ESLint (src and tests), jest (TypeScript, real pwsh, sshd and Postfix on loopback, headless Chromium) and Pester (the ExTls module).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system
status=0
# ts-jest transpiles test files without type checking (isolatedModules): check them all here once.
npx tsc -p tsconfig.test.json --noEmit || status=$?
npx eslint src test || status=$?
node --experimental-vm-modules node_modules/jest/bin/jest.js --ci "$@" || status=$?
if [ -d test/pester ] && [ $# -eq 0 ]; then
  .tools/pwsh/pwsh -NoLogo -NoProfile -NonInteractive -File scripts/run-pester.ps1 || status=$?
fi
exit $status
