#!/usr/bin/env bash
# FedOrleans against the hand-written PyTorch FedAvg loops of bench/baselines/ (issue 12's yardstick).
#
# Runs, alternately and as whole processes under /usr/bin/time -v, REPEATS times each:
#   B1 (experiments/flute-lr-mnist.yaml): FedOrleans' console, the sequential loop (1 thread),
#     the batched (bmm) loop (1 thread);
#   quickstart (experiments/quickstart.yaml): the same three, plus the sequential loop at 2 threads.
# FedOrleans runs as a user runs it, `fedorleans run SPEC` (what `dotnet run --project src/Client -c Release
# -- run SPEC` starts), but from the built console, so that `dotnet run`'s build check is not timed:
#   src/Client/bin/Release/net10.0/linux-x64/fedorleans run SPEC --out <temporary folder>
# Prints a markdown table (medians; ratios FedOrleans / baseline) and, with --write, puts it between
# <!-- compare:begin --> and <!-- compare:end --> in docs/benchmarks.md (appending the section if absent).
#
# Usage (from the repository root): bench/compare.sh [--repeats N] [--workload b1|quickstart|all] [--write]
#        [--console PATH]   (default src/Client/bin/Release/net10.0/linux-x64/fedorleans)
# Needs: a Release build of the console (dotnet build FedOrleans.sln -c Release); Debian's PyTorch with
# OpenBLAS (apt-get install -y python3-torch libopenblas0-pthread), run by $PYTHON (default /usr/bin/python3);
# MNIST in $FEDORLEANS_DATA or ~/.cache/fedorleans (fedorleans data fetch mnist). Tests never run this.
set -euo pipefail

repeats=3
workload=all
write=0
console=src/Client/bin/Release/net10.0/linux-x64/fedorleans
PYTHON=${PYTHON:-/usr/bin/python3}
cmdline="bench/compare.sh $*"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeats) repeats="$2"; shift 2 ;;
    --workload) workload="$2"; shift 2 ;;
    --write) write=1; shift ;;
    --console) console="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
fail() { echo "compare.sh: $*" >&2; exit 1; }
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || fail "--repeats must be a positive number"
case "$workload" in b1|quickstart|all) ;; *) fail "--workload must be b1, quickstart or all" ;; esac

# Preconditions, each with the way to meet it.
[[ -f experiments/flute-lr-mnist.yaml && -f bench/baselines/fedavg.py ]] \
  || fail "run me from the repository root (bench/compare.sh)"
[[ -x /usr/bin/time ]] || fail "/usr/bin/time is missing: apt-get install -y time"
[[ -x "$console" ]] || fail "no console build at $console: build it with \`dotnet build FedOrleans.sln -c Release\` (or pass --console PATH)"
command -v "$PYTHON" >/dev/null || fail "no $PYTHON: apt-get install -y python3 python3-torch libopenblas0-pthread (or set PYTHON)"
blas=$("$PYTHON" - <<'EOF' 2>&1
import torch
torch.ones(64, 64) @ torch.ones(64, 64)
import os
libs = {l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.split()[-1]}
shown = sorted(os.path.basename(x) for x in libs if "openblas" in x) or sorted(libs) or ["no BLAS library"]
print(f"PyTorch {torch.__version__} with {' '.join(shown)}")
EOF
) || fail "$PYTHON cannot import torch: apt-get install -y python3-torch libopenblas0-pthread (Debian's PyTorch; $blas)"
[[ "$blas" == *openblas* ]] || fail "torch runs on the reference BLAS, about 8x slower: apt-get install -y libopenblas0-pthread ($blas)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fedorleans-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
runs="$tmp/runs.tsv"   # workload variant repeat wall_s rss_kib rounds_s accuracy
: > "$runs"

variants() {  # name and command of each variant of a workload; {OUT} is the console's results folder
  local spec=$1 w=$2
  echo "fedorleans|$console run $spec --out {OUT}"
  echo "sequential, 1 thread|$PYTHON bench/baselines/fedavg.py --workload $w --mode sequential --threads 1"
  echo "batched (bmm), 1 thread|$PYTHON bench/baselines/fedavg.py --workload $w --mode batched --threads 1"
  [[ $w == quickstart ]] && echo "sequential, 2 threads|$PYTHON bench/baselines/fedavg.py --workload $w --mode sequential --threads 2"
  return 0
}

one_run() {  # workload spec variant command repeat
  local w=$1 name=$2 cmd=$3 rep=$4 n=$5
  local out="$tmp/out-$w-$n-$rep" log="$tmp/log-$w-$n-$rep" tv="$tmp/time-$w-$n-$rep"
  cmd=${cmd//\{OUT\}/$out}
  echo "[$w, repeat $rep] $name: $cmd" >&2
  if ! /usr/bin/time -v -o "$tv" $cmd > "$log" 2>&1; then
    tail -20 "$log" >&2
    fail "$name failed ($cmd); its output is above"
  fi
  "$PYTHON" - "$w" "$name" "$rep" "$tv" "$log" "$out" >> "$runs" <<'EOF'
import json, os, re, sys
w, name, rep, tv, log, out = sys.argv[1:]
t = open(tv).read()
el = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1).split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(el)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
if os.path.exists(os.path.join(out, "summary.json")):
    s = json.load(open(os.path.join(out, "summary.json")))
    rounds, acc = s["round_seconds_total"], s["final"]["test_accuracy"]
else:
    last = [l for l in open(log) if l.startswith("rounds_seconds=")][-1]
    kv = dict(x.split("=") for x in last.split())
    rounds, acc = float(kv["rounds_seconds"]), float(kv["final_test_accuracy"])
print(f"{w}\t{name}\t{rep}\t{wall:.3f}\t{rss}\t{rounds:.3f}\t{acc:.4f}")
EOF
  tail -1 "$runs" | awk -F'\t' '{printf "    wall %s s, rounds %s s, max RSS %.0f MiB, accuracy %s\n", $4, $6, $5/1024, $7}' >&2
}

declare -a workloads
case "$workload" in
  b1) workloads=("b1|experiments/flute-lr-mnist.yaml") ;;
  quickstart) workloads=("quickstart|experiments/quickstart.yaml") ;;
  all) workloads=("b1|experiments/flute-lr-mnist.yaml" "quickstart|experiments/quickstart.yaml") ;;
esac
for entry in "${workloads[@]}"; do
  w=${entry%%|*}; spec=${entry#*|}
  for rep in $(seq 1 "$repeats"); do   # alternate: every variant once per repeat
    n=0
    while IFS='|' read -r name cmd; do
      n=$((n + 1))
      one_run "$w" "$name" "$cmd" "$rep" "$n"
    done < <(variants "$spec" "$w")
  done
done

cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]] && commit="$commit (with local changes)"
table=$(DATE=$(date -u +%Y-%m-%d) NPROC=$(nproc) CPU="$cpu" COMMIT="$commit" BLAS="$blas" CMDLINE="$cmdline" \
  CONSOLE="$console" "$PYTHON" - "$runs" "$repeats" <<'EOF'
import os, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
repeats = int(sys.argv[2])
med = lambda xs: statistics.median(xs)
e = os.environ
print(f"Measured {e['DATE']} on {e['NPROC']} CPUs ({e['CPU']}), commit {e['COMMIT']}; {e['BLAS']}.")
print("Command: `{}` ({} run{} of each, alternating, each a whole process under `/usr/bin/time -v`)."
      .format(e["CMDLINE"], repeats, "s" if repeats > 1 else ""))
print(f"FedOrleans: `{e['CONSOLE']} run SPEC --out TMP`, the console `dotnet run --project src/Client -c Release -- run SPEC`")
print("starts. Rounds: FedOrleans' summary.json \`round_seconds_total\`; the loops' \`rounds_seconds\` (rounds and evaluations).")
print("Ratios are FedOrleans / the loop: below 1, FedOrleans is faster.")
titles = {"b1": "B1, experiments/flute-lr-mnist.yaml", "quickstart": "quickstart, experiments/quickstart.yaml"}
for w in dict.fromkeys(r[0] for r in rows):
    print(f"\n**{titles[w]}**\n")
    print("| run | wall s, median (each) | rounds s, median | max RSS MiB | final test accuracy | FedOrleans / this, wall | FedOrleans / this, rounds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    names = list(dict.fromkeys(r[1] for r in rows if r[0] == w))
    stat = {}
    for n in names:
        rs = [r for r in rows if r[0] == w and r[1] == n]
        stat[n] = (med([float(r[3]) for r in rs]), med([float(r[5]) for r in rs]),
                   med([int(r[4]) for r in rs]) / 1024, [r[3] for r in rs], sorted({r[6] for r in rs}))
    fw, fr = stat["fedorleans"][0], stat["fedorleans"][1]
    for n in names:
        wall, rounds, rss, each, acc = stat[n]
        ratio = ("-", "-") if n == "fedorleans" else (f"{fw / wall:.2f}", f"{fr / rounds:.2f}")
        print(f"| {n} | {wall:.2f} ({', '.join(f'{float(e):.2f}' for e in each)}) | {rounds:.2f} | {rss:.0f} | {' / '.join(acc)} | {ratio[0]} | {ratio[1]} |")
    yes = lambda c: "yes" if c else "**no**"
    if w == "b1":
        sw, bw = stat["sequential, 1 thread"][0], stat["batched (bmm), 1 thread"][1]
        print(f"\nIssue 12 targets: whole process at most 3 s: {yes(fw <= 3)} ({fw:.2f} s); faster than the sequential loop's"
              f" whole process: {yes(fw < sw)} ({fw:.2f} vs {sw:.2f} s); rounds at most 1.5x the batched loop's:"
              f" {yes(fr <= 1.5 * bw)} ({fr / bw:.2f}x).")
    else:
        best = min(stat[n][0] for n in names if n.startswith("sequential"))
        print(f"\nIssue 12 target: at least 2x faster (whole process) than the best sequential loop (1 or 2 threads):"
              f" {yes(best >= 2 * fw)} ({best / fw:.2f}x).")
EOF
)
echo "$table"

if [[ $write == 1 ]]; then
  doc=docs/benchmarks.md
  [[ -f $doc ]] || fail "$doc not found"
  if ! grep -q '<!-- compare:begin -->' "$doc"; then
    printf '\n## FedOrleans against a hand-written PyTorch loop\n\nWritten by `bench/compare.sh --write` (baselines: bench/baselines/).\n\n<!-- compare:begin -->\n<!-- compare:end -->\n' >> "$doc"
  fi
  printf '%s\n' "$table" > "$tmp/table.md"
  "$PYTHON" - "$doc" "$tmp/table.md" <<'EOF'
import sys
doc, table = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
begin, end = "<!-- compare:begin -->", "<!-- compare:end -->"
a, b = text.index(begin) + len(begin), text.index(end)
open(doc, "w").write(text[:a] + "\n" + table + text[b:])
EOF
  echo "compare.sh: wrote the table into $doc" >&2
fi
