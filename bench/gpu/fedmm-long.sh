#!/usr/bin/env bash
# The longer FedMM comparison on a GPU machine without .NET (docs/results/fedmm.md).
# Prepare here:  dotnet publish src/Client -c Release -r linux-x64 --self-contained -p:TorchBackend=external -o publish/gpu
#                tar -cJf publish/app.tar.xz -C publish gpu; tar -cJf publish/data.tar.xz -C publish data   (data: mnist, photos-*, digits from the cache)
# Run there (repository root, $OUT for results): bash bench/gpu/fedmm-long.sh
set -u
SECONDS_PER_SWEEP=${SECONDS_PER_SWEEP:-420}
work=$(mktemp -d)
tar -xJf publish/app.tar.xz -C "$work" && tar -xJf publish/data.tar.xz -C "$work" || exit 1
export LD_LIBRARY_PATH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')/lib
export FEDORLEANS_DATA=$work/data
F=$work/gpu/fedorleans
nproc; nvidia-smi -L
$F data fetch mnist-m > "$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
# One process per strategy, all at once, so a time limit cuts every method at the same round count.
for kind in fedmm fedavg-gda fedprox-gda; do
  timeout -s INT "$SECONDS_PER_SWEEP" $F run experiments/fedmm-two-clients.yaml --set strategy.kind=$kind --set rounds=600 --seeds 2 \
    --id two-$kind --device cuda --concurrent-fits 4 --out "$OUT/two/$kind" > "$OUT/two-$kind.log" 2>&1 &
  timeout -s INT "$SECONDS_PER_SWEEP" $F run experiments/fedmm-mnist-mnistm.yaml --set strategy.kind=$kind --set rounds=300 --seeds 2 \
    --id imb-$kind --device cuda --concurrent-fits 6 --out "$OUT/imb/$kind" > "$OUT/imb-$kind.log" 2>&1 &
done
wait
tail -n 3 "$OUT"/*.log
