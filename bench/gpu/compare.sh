#!/usr/bin/env bash
# FedOrleans against the hand-written PyTorch FedAvg loops (bench/baselines/fedavg.py) on a GPU machine without
# .NET: issue 12's GPU comparison (docs/benchmarks.md, "On a GPU"). One run of each variant, whole processes, in turn.
#
# Prepare here (repository root; publish/ is git-ignored): bash bench/gpu/pack.sh
# Run there (repository root, with publish/app.tar.xz and publish/data.tar.xz carried; $OUT for the results):
#   bash bench/gpu/compare.sh
# Writes $OUT/runs.tsv (workload, variant, wall s, rounds s, start-up s, accuracy) and one log per run.
# The yardstick is the machine's PyTorch (python3 -c "import torch"), run on the GPU with --device cuda.
set -u
device=${DEVICE:-cuda}   # DEVICE=cpu: a dry run of this script on a machine without a GPU
work=$(mktemp -d)
tar -xJf publish/app.tar.xz -C "$work" && tar -xJf publish/data.tar.xz -C "$work" || exit 1
torchlib=${TORCH_LIB:-$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')/lib}   # TORCH_LIB: another libtorch 2.10 (dry runs)
export LD_LIBRARY_PATH=$torchlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export FEDORLEANS_DATA=$work/data
F=$work/gpu/fedorleans
{ nproc; nvidia-smi -L || true; python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda)'; } > "$OUT/machine.txt" 2>&1
runs=$OUT/runs.tsv
printf 'workload\tvariant\twall_s\trounds_s\tstartup_s\taccuracy\texit\n' > "$runs"

one() {  # workload variant limit_s command...: runs it (an argument @OUT becomes its results folder), times the whole process, appends a row
  local w=$1 v=$2 limit=$3; shift 3
  local log="$OUT/$w-${v// /_}.log" res="$work/res-$w-${v// /_}"
  local t0 t1 rc
  local cmd=("${@/#@OUT/$res}")
  t0=$(date +%s.%N)
  timeout -s INT "$limit" "${cmd[@]}" > "$log" 2>&1; rc=$?
  t1=$(date +%s.%N)
  python3 - "$w" "$v" "$t0" "$t1" "$rc" "$log" "$res" >> "$runs" <<'EOF'
import json, os, sys
w, v, t0, t1, rc, log, res = sys.argv[1:]
rounds = startup = acc = "nan"
summary = os.path.join(res, "summary.json")
if os.path.exists(summary):
    s = json.load(open(summary))
    rounds, startup, acc = s["round_seconds_total"], s.get("startup_seconds", "nan"), s["final"]["test_accuracy"]
else:
    last = [l for l in open(log) if l.startswith("rounds_seconds=")]
    if last:
        kv = dict(x.split("=") for x in last[-1].split())
        rounds, acc = kv["rounds_seconds"], kv["final_test_accuracy"]
print(f"{w}\t{v}\t{float(t1) - float(t0):.2f}\t{float(rounds):.3f}\t{float(startup):.2f}\t{acc}\t{rc}")
EOF
  tail -1 "$runs"
}
py() { local w=$1 m=$2; shift 2; echo "${PYTHON:-python3}" bench/baselines/fedavg.py --workload "$w" --mode "$m" --device "$device" "$@"; }

b1=experiments/flute-lr-mnist.yaml
qs=experiments/quickstart.yaml
# Every client in every round (B1's model and data): where a batched cohort has something to batch.
all1000=(--set strategy.fraction_fit=1.0 --set strategy.min_fit_clients=1000 --set strategy.min_results=1000 --set rounds=6 --set evaluate_every=100)

one b1 "fedorleans single" 90 "$F" run "$b1" --out @OUT --device "$device" --set execution=single
one b1 "fedorleans auto (cohort)" 90 "$F" run "$b1" --out @OUT --device "$device" --set execution=auto
one b1 "pytorch sequential" 90 $(py b1 sequential)
one b1 "pytorch batched" 90 $(py b1 batched)
one quickstart "fedorleans single" 150 "$F" run "$qs" --out @OUT --device "$device" --set execution=single
one quickstart "fedorleans auto (cohort)" 150 "$F" run "$qs" --out @OUT --device "$device" --set execution=auto
one quickstart "pytorch sequential" 150 $(py quickstart sequential)
one quickstart "pytorch batched" 150 $(py quickstart batched)
one all-1000 "fedorleans single" 90 "$F" run "$b1" --out @OUT --device "$device" "${all1000[@]}" --set execution=single
one all-1000 "fedorleans auto (cohort)" 90 "$F" run "$b1" --out @OUT --device "$device" "${all1000[@]}" --set execution=auto
for d in "$work"/res-*; do [[ -f $d/rounds.csv ]] && cp "$d/rounds.csv" "$OUT/$(basename "$d").rounds.csv"; done
column -t "$runs"
