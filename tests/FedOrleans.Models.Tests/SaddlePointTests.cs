using FedOrleans.Models.Federated;
using FedOrleans.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

/// <summary>
/// The point of FedMM on a problem with a closed-form answer: heterogeneous clients with quadratic
/// minimax objectives f_i(x, y) = a_i/2 x^2 + b_i x y - c_i/2 y^2 + d_i x - e_i y. The global saddle
/// point of their mean solves a 2x2 linear system. FedMM (with its duals) reaches it; FedAvg-GDA with
/// the same local steps settles elsewhere (client drift). Both use the production step functions.
/// </summary>
public sealed class SaddlePointTests
{
    private static readonly (double A, double B, double C, double D, double E)[] Clients =
    [
        (1.0, 0.5, 1.0, 2.0, -1.0),
        (3.0, -1.0, 0.5, -4.0, 2.0),
        (0.5, 2.0, 2.0, 1.0, 3.0),
    ];

    /// <summary>Solves A x + B y + D = 0 and B x - C y - E = 0 for the mean coefficients.</summary>
    private static (double X, double Y) Saddle()
    {
        double a = Clients.Average(c => c.A), b = Clients.Average(c => c.B), cc = Clients.Average(c => c.C);
        double d = Clients.Average(c => c.D), e = Clients.Average(c => c.E);
        double det = a * -cc - b * b;
        return ((-d * -cc - b * e) / det, (a * e - b * -d) / det);
    }

    private static (double X, double Y) Run(MinimaxRule rule, int rounds)
    {
        using var scope = NewDisposeScope();
        var settings = new MinimaxSettings(rule, Mu: 1.0, DualDecay: 1.0, DecayEvery: 100);
        using var negLr = (-0.05).ToScalar();
        using var mu = settings.Mu.ToScalar();
        var global = new float[] { 0f, 0f };
        var duals = Clients.Select(_ => zeros(2)).ToArray();
        for (int t = 1; t <= rounds; t++)
        {
            var uploads = new List<ClientUpdate>();
            for (int i = 0; i < Clients.Length; i++)
            {
                var (a, b, c, d, e) = Clients[i];
                var anchor = tensor(global);
                var w = tensor(global);
                for (int k = 0; k < 10; k++)
                {
                    float x = w[0].item<float>(), y = w[1].item<float>();
                    // (df/dx, -df/dy): the max player's ascent written as descent, as FedMM's code does.
                    var g = tensor(new[] { (float)(a * x + b * y + d), (float)-(b * x - c * y - e) });
                    MinimaxTrainer.Step(w, g, anchor, duals[i], negLr, mu, rule);
                }
                if (rule == MinimaxRule.FedMM)
                {
                    using var factor = settings.UploadFactor(t).ToScalar();
                    MinimaxTrainer.FinishRound(w, anchor, duals[i], mu, factor);
                }
                uploads.Add(new ClientUpdate(new ClientId(i), new ModelWeights(w.data<float>().ToArray()), 1, 0));
            }
            global = Aggregation.Mean(uploads)!;
        }
        return (global[0], global[1]);
    }

    [Fact]
    public void FedMM_reaches_the_global_saddle_point_and_FedAvg_GDA_does_not()
    {
        var (sx, sy) = Saddle();
        var (mx, my) = Run(MinimaxRule.FedMM, 300);
        var (gx, gy) = Run(MinimaxRule.Gda, 300);
        double fedmmError = Math.Sqrt((mx - sx) * (mx - sx) + (my - sy) * (my - sy));
        double gdaError = Math.Sqrt((gx - sx) * (gx - sx) + (gy - sy) * (gy - sy));
        Assert.True(fedmmError < 1e-3, $"FedMM ended at ({mx:F5}, {my:F5}), the saddle is ({sx:F5}, {sy:F5})");
        Assert.True(gdaError > 0.05, $"FedAvg-GDA ended at ({gx:F5}, {gy:F5}), unexpectedly close to ({sx:F5}, {sy:F5})");
        // More rounds do not fix FedAvg-GDA: its error is a fixed-point bias, not slowness.
        var (gx2, gy2) = Run(MinimaxRule.Gda, 600);
        Assert.True(Math.Abs(gx2 - gx) < 1e-4 && Math.Abs(gy2 - gy) < 1e-4, "FedAvg-GDA should have converged to its biased point");
    }
}
