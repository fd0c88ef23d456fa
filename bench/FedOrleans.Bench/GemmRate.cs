using System.Diagnostics;
using System.Globalization;
using System.Text;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Bench;

/// <summary>
/// One-thread single-precision matrix products through TorchSharp's libtorch (its BLAS is MKL), for the shapes of the
/// quickstart's MLP: a training step's products at batch 32 and the evaluation's at 10,000 test samples. Beside it,
/// <c>bench/baselines/gemm.py</c> times the same products through Debian's PyTorch (OpenBLAS): which library is faster
/// per core on the machine at hand.
/// </summary>
public static class GemmRate
{
    /// <summary>(m, k, n): [m, k] x [k, n].</summary>
    public static readonly (int M, int K, int N)[] Shapes =
        [(32, 784, 200), (32, 200, 200), (200, 32, 784), (784, 32, 200), (320, 784, 200), (10000, 784, 200)];

    public static Task<int> RunAsync(BenchOptions options)
    {
        TorchRuntime.Configure(intraOpThreads: 1);
        var report = new StringBuilder("| m x k x n | microseconds | GFLOP/s |\n| --- | --- | --- |\n");
        foreach (var (m, k, n) in Shapes)
        {
            using var scope = NewDisposeScope();
            var a = randn(m, k);
            var b = randn(k, n);
            for (int i = 0; i < 50; i++)
            {
                a.matmul(b).Dispose();
            }
            double flops = 2.0 * m * k * n;
            int iterations = (int)Math.Max(20, 2e9 / flops);
            double best = double.MaxValue;
            for (int r = 0; r < options.Repeats; r++)
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < iterations; i++)
                {
                    a.matmul(b).Dispose();
                }
                best = Math.Min(best, watch.Elapsed.TotalSeconds / iterations);
            }
            report.AppendLine(CultureInfo.InvariantCulture, $"| {m} x {k} x {n} | {best * 1e6:F1} | {flops / best / 1e9:F1} |");
        }
        options.Emit(report.ToString());
        return Task.FromResult(0);
    }
}
