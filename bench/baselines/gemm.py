#!/usr/bin/python3
"""One-thread single-precision matrix products through Debian's PyTorch (OpenBLAS), the shapes of
FedOrleans' `bench gemm` (the quickstart MLP's training products at batch 32 and its evaluation's at 10,000
samples): the best of --repeats timings of each, as microseconds and GFLOP/s, in the same table."""
import argparse, time
import torch

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--repeats", type=int, default=3)
args = p.parse_args()
torch.set_num_threads(1)
print("| m x k x n | microseconds | GFLOP/s |\n| --- | --- | --- |")
for m, k, n in [(32, 784, 200), (32, 200, 200), (200, 32, 784), (784, 32, 200), (320, 784, 200), (10000, 784, 200)]:
    a, b = torch.randn(m, k), torch.randn(k, n)
    for _ in range(50):
        a @ b
    flops = 2.0 * m * k * n
    iterations = int(max(20, 2e9 / flops))
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(iterations):
            a @ b
        best = min(best, (time.perf_counter() - start) / iterations)
    print(f"| {m} x {k} x {n} | {best * 1e6:.1f} | {flops / best / 1e9:.1f} |")
