using System.Diagnostics;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;
namespace FedOrleans.Bench;
public static class Scratch
{
    public static int Run()
    {
        TorchRuntime.Configure(1);
        foreach (int k in new[] { 1, 5, 10 })
        {
            var h = randn(k, 32, 784);
            var w = randn(k, 200, 784).requires_grad_(true);
            var wt = randn(k, 784, 200).requires_grad_(true);
            var w2 = randn(200, 784).requires_grad_(true);
            void Time(string name, Func<Tensor> f)
            {
                for (int i = 0; i < 3; i++) { using var s = NewDisposeScope(); f().sum().backward(); }
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < 20; i++) { using var s = NewDisposeScope(); f().sum().backward(); }
                Console.WriteLine($"K={k} {name}: {sw.Elapsed.TotalMilliseconds / 20:F2} ms");
            }
            Time("bmm(w^T)", () => h.bmm(w.transpose(1, 2)));
            Time("bmm(wt)", () => h.bmm(wt));
            Time("matmul(w^T)", () => h.matmul(w.transpose(1, 2)));
            Time("loop linear", () => stack(Enumerable.Range(0, k).Select(c => nn.functional.linear(h[c], w[c])).ToList()));
            Time("einsum", () => einsum("kbi,koi->kbo", h, w));
        }
        return 0;
    }
}
