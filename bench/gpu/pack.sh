#!/usr/bin/env bash
# Packs the console and MNIST for a GPU machine without .NET (bench/gpu/compare.sh; run from the repository root).
# Self-contained, with the external libtorch backend (the machine's PyTorch provides libtorch and CUDA), and small
# enough for what a device call carries (64 MiB): the files no run opens are emptied (they must exist, since the
# runtime checks the files its manifest names). bench/gpu/unused-files.txt lists them: the MiniLM baseline's 90 MB
# model, ONNX Runtime, the Kubernetes client, Roslyn, ML.NET and others; it was made with `strace -f -e trace=openat`
# on a B1 run and a quickstart run under cohort execution. A command that needs one of them fails in this package only.
set -euo pipefail
data=${FEDORLEANS_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/fedorleans}
[[ -f $data/mnist/train-images-idx3-ubyte ]] || { echo "pack.sh: no MNIST in $data (fedorleans data fetch mnist)" >&2; exit 1; }
rm -rf publish/gpu publish/data publish/app.tar.xz publish/data.tar.xz
dotnet publish src/Client -c Release -r linux-x64 --self-contained -p:TorchBackend=external -p:FedOrleansComposite=false -o publish/gpu
while read -r f; do [[ -f publish/gpu/$f ]] && : > "publish/gpu/$f"; done < bench/gpu/unused-files.txt
XZ_OPT="-T2 -6" tar -cJf publish/app.tar.xz -C publish gpu
mkdir -p publish/data && cp -r "$data/mnist" publish/data/
tar -cJf publish/data.tar.xz -C publish data
ls -l publish/app.tar.xz publish/data.tar.xz
