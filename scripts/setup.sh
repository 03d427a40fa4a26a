#!/usr/bin/env bash
# Sets up everything extls and its tests need on a fresh clone; safe to run again (each step skips what is there).
#   - npm dependencies (if node_modules is missing), the TypeScript build and the bundled collector
#   - PowerShell 7.6.9 from NuGet as a .NET tool in .tools/pwsh (no system install)
#   - Pester 5.7.1 from NuGet in .tools/nuget
#   - with --system (tests, CI; needs root): Debian packages openssh-server, postfix, chromium, ansible
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }

PWSH_VERSION=7.6.9
PESTER_VERSION=5.7.1

if [ ! -d node_modules ]; then
  log "npm ci"
  npm ci --no-audit --no-fund >&2
fi

if [ ! -x .tools/pwsh/pwsh ] || ! .tools/pwsh/pwsh -NoLogo -NoProfile -Command '$PSVersionTable.PSVersion.ToString()' | grep -qx "$PWSH_VERSION"; then
  log "installing PowerShell $PWSH_VERSION into .tools/pwsh"
  rm -rf .tools/pwsh
  dotnet tool install PowerShell --version "$PWSH_VERSION" --tool-path .tools/pwsh >&2
fi

if [ ! -f ".tools/nuget/pester/$PESTER_VERSION/tools/Pester.psd1" ]; then
  log "installing Pester $PESTER_VERSION into .tools/nuget"
  dotnet restore scripts/nuget/pester.proj --packages .tools/nuget -p:PesterVersion="$PESTER_VERSION" >&2
fi

if [ "${1:-}" = "--system" ]; then
  missing=()
  command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  [ -x /usr/sbin/postfix ] || missing+=(postfix)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  # ansible-core plus its collections (ansible.windows): examples/ansible is run and syntax-checked by the tests
  dpkg -s ansible >/dev/null 2>&1 || missing+=(ansible)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      log "need root to install: ${missing[*]} (apt-get install -y ${missing[*]})"
      exit 1
    fi
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
fi

log "building"
npm run --silent build >&2
