#!/usr/bin/env bash
# The README's test command. On a fresh Debian/Ubuntu machine with the .NET 10 SDK and npm it:
#   1. installs what the tests drive for real, where missing (apt-get, as root or through sudo):
#      redis-server (multi-silo fault tests), chromium (the federation page in a headless browser),
#      kubernetes-client (kubectl kustomize renders k8s/), and the npm packages of tools/k8s-validate;
#   2. builds the solution, fetches every dataset of the catalog (fedorleans data fetch --all);
#   3. runs `dotnet test FedOrleans.sln -c Release` (extra arguments are passed on, e.g. --filter) and
#      closes with "N passed, N failed, N skipped".
# Exits non-zero when a test failed, when nothing ran, or when a test was skipped: no test of this
# suite skips itself, so a skip means a check silently went missing.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

step() { printf '\n== %s\n' "$*"; }
give_up() { echo "$1"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

step "tools"
need=()
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v dpkg-deb >/dev/null 2>&1 || need+=(dpkg)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { [ ${#need[@]} -eq 0 ] || give_up "missing ${need[*]}: install them as root (apt-get install ${need[*]})"; }
  as_root=(sudo)
fi
# apt-get download (the Debian datasets) needs package lists too; a fresh container has none.
if [ ${#need[@]} -gt 0 ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]; then
  "${as_root[@]}" apt-get update -q || [ ${#need[@]} -eq 0 ] || give_up "apt-get update failed; needed: ${need[*]}"
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" || give_up "could not install ${need[*]}"
fi
dotnet --version && node --version && npm --version
npm ci --prefix tools/k8s-validate --no-audit --no-fund || give_up "npm ci in tools/k8s-validate failed"

step "build"
dotnet build FedOrleans.sln -c Release || give_up "the build failed"

step "data"
dotnet run --project src/Client -c Release --no-build -- data fetch --all || give_up "fetching the datasets failed"

step "tests: dotnet test FedOrleans.sln -c Release --no-build $*"
log=$(mktemp)
dotnet test FedOrleans.sln -c Release --no-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

count() { grep -oE "$1: +[0-9]+" "$log" | awk '{s+=$2} END {print s+0}'; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the runner itself failed (build error, crash): count it
fi
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "no tests ran"; status=1; failed=1
fi
if [ "$skipped" -gt 0 ]; then
  echo "$skipped test(s) skipped: every test of this suite must run (a skipped fidelity check is a failure)"
  grep -E '^\s+Skipped ' "$log" || true
  [ "$status" -ne 0 ] || status=1
fi
rm -f "$log"
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
