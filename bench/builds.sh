#!/usr/bin/env bash
# Two or more builds of FedOrleans' console side by side on one experiment: each build runs the spec in turn, as a
# whole process, REPEATS rounds of turns (so that the machine's drift hits every build alike), and the medians of the
# wall time, summary.json's start-up and round times, and the page faults and CPU time (/usr/bin/time) are printed
# with each build's ratio to the first. For a change's effect: copy the built console's folder (it is self-contained)
# before the change, build again, and compare the copy with the new build.
#
# Usage (from the repository root): bench/builds.sh [--repeats N] [--spec SPEC] CONSOLE [CONSOLE...]
#   e.g. cp -r src/Client/bin/Release/net10.0/linux-x64 /tmp/before   (then change, build)
#        bench/builds.sh --repeats 8 /tmp/before/fedorleans src/Client/bin/Release/net10.0/linux-x64/fedorleans
# A CONSOLE may carry environment settings before it, e.g. 'DOTNET_gcServer=0 /tmp/before/fedorleans'.
# Default spec: experiments/flute-lr-mnist.yaml (B1). Tests never run this.
set -euo pipefail

repeats=6
spec=experiments/flute-lr-mnist.yaml
consoles=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeats) repeats="$2"; shift 2 ;;
    --spec) spec="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    -*) echo "builds.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) consoles+=("$1"); shift ;;
  esac
done
fail() { echo "builds.sh: $*" >&2; exit 1; }
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || fail "--repeats must be a positive number"
[[ ${#consoles[@]} -ge 1 ]] || fail "name at least one console (see --help)"
[[ -f "$spec" ]] || fail "no spec at '$spec'"
[[ -x /usr/bin/time ]] || fail "needs /usr/bin/time (apt-get install -y time)"
for c in "${consoles[@]}"; do
  exe="${c##* }"
  [[ -x "$exe" ]] || fail "'$exe' is not an executable console (build with: dotnet build FedOrleans.sln -c Release)"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs="$tmp/runs.tsv"
: > "$runs"
for ((r = 1; r <= repeats; r++)); do
  for i in "${!consoles[@]}"; do
    out="$tmp/out-$i-$r"
    # shellcheck disable=SC2086
    if ! /usr/bin/time -f "%e %R %U %S" -o "$tmp/time" env ${consoles[$i]} run "$spec" --out "$out" > "$tmp/log" 2>&1; then
      fail "run $r of '${consoles[$i]}' failed:"$'\n'"$(tail -5 "$tmp/log")"
    fi
    read -r wall faults user sys < <(tail -1 "$tmp/time")
    read -r startup rounds < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["startup_seconds"], d["round_seconds_total"])' "$out/summary.json")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$wall" "$startup" "$rounds" "$faults" "$user" "$sys" >> "$runs"
    printf 'turn %d, %s: wall %.2f s, start-up %.2f s, rounds %.3f s, %s page faults\n' "$r" "${consoles[$i]}" "$wall" "$startup" "$rounds" "$faults"
    rm -rf "$out"
  done
done
python3 - "$runs" "${consoles[@]}" <<'PY'
import statistics as st, sys
rows = [l.split('\t') for l in open(sys.argv[1]).read().splitlines()]
names = sys.argv[2:]
cols = {"wall s": 1, "start-up s": 2, "rounds s": 3, "page faults": 4}
med = {i: {k: st.median(float(r[c]) for r in rows if int(r[0]) == i) for k, c in cols.items()} for i in range(len(names))}
cpu = {i: st.median(float(r[5]) + float(r[6]) for r in rows if int(r[0]) == i) for i in range(len(names))}
print(f"\n| console | {' | '.join(cols)} | CPU s | wall / first | rounds / first |")
print("| --- " * (len(cols) + 4) + "|")
for i, n in enumerate(names):
    m = med[i]
    print(f"| {n} | {m['wall s']:.2f} | {m['start-up s']:.2f} | {m['rounds s']:.3f} | {m['page faults']:.0f} | {cpu[i]:.2f} "
          f"| {m['wall s'] / med[0]['wall s']:.2f} | {m['rounds s'] / med[0]['rounds s']:.2f} |")
PY
