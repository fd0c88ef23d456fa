#!/usr/bin/env bash
# Why does FedMM diverge in the 2-client set-up (docs/results/fedmm.md)? The same run under variants
# of the dual correction and the step size, all at once on one GPU machine. Prepared as fedmm-long.sh.
set -u
work=$(mktemp -d)
tar -xJf publish/app.tar.xz -C "$work" && tar -xJf publish/data.tar.xz -C "$work" || exit 1
export LD_LIBRARY_PATH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')/lib
export FEDORLEANS_DATA=$work/data
F=$work/gpu/fedorleans
$F data fetch mnist-m > "$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
run() { local name=$1; shift; timeout -s INT "${SECONDS_PER_RUN:-200}" $F run experiments/fedmm-two-clients.yaml --set rounds=200 --id "$name" \
  --device cuda --concurrent-fits 2 --out "$work/r/$name" "$@" > "$OUT/$name.log" 2>&1 & }
run default
run decay2 --set adaptation.dual_decay=2.0
run mu10 --set adaptation.mu=10
run lr005 --set train.lr=0.005
run coef05 --set adaptation.coefficient=0.5
run steps5 --set train.local_steps=5
wait
for f in "$OUT"/*.log; do echo "== $f"; grep -E "round (25|50|100|150|200)/200 acc [0-9]" "$f" | cut -c1-60; done
