using System.Numerics;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// Structural flexibility Γ (S'MoRE §3.5): how many distinct outputs different expert trees can give one token,
/// for layers with <c>s_l</c> experts and fan-outs <c>f_l</c> (l = 0 is the leaf layer).
/// </summary>
public static class StructuralFlexibility
{
    /// <summary>Thm 3.4: <c>Γ_S'MoRE = Π_l C(s_l, f_l)^{F_{l+1}}</c>, with <c>F_l = Π_{i≥l} f_i</c> and <c>F_L = 1</c>.</summary>
    public static BigInteger Smore(IReadOnlyList<int> experts, IReadOnlyList<int> fanOuts)
    {
        var paths = Paths(fanOuts);
        BigInteger total = BigInteger.One;
        for (int l = 0; l < experts.Count; l++)
        {
            total *= BigInteger.Pow(Choose(experts[l], fanOuts[l]), (int)paths[l + 1]);
        }
        return total;
    }

    /// <summary>
    /// Thm 3.3 (upper bound for the flat mixture of multi-order residues):
    /// <c>C(s_{L−1}, f_{L−1}) · Π_{l=0}^{L−2} Σ_{i=f_l}^{min(F_l, s_l)} C(s_l, i)</c>.
    /// </summary>
    public static BigInteger MomorUpperBound(IReadOnlyList<int> experts, IReadOnlyList<int> fanOuts)
    {
        var paths = Paths(fanOuts);
        int top = experts.Count - 1;
        BigInteger total = Choose(experts[top], fanOuts[top]);
        for (int l = 0; l < top; l++)
        {
            BigInteger sum = BigInteger.Zero;
            for (long i = fanOuts[l]; i <= Math.Min(paths[l], experts[l]); i++)
            {
                sum += Choose(experts[l], (int)i);
            }
            total *= sum;
        }
        return total;
    }

    /// <summary><c>F_0 .. F_L</c>: the number of tree nodes selected from each layer (<c>F_L = 1</c>).</summary>
    private static long[] Paths(IReadOnlyList<int> fanOuts)
    {
        var paths = new long[fanOuts.Count + 1];
        paths[fanOuts.Count] = 1;
        for (int l = fanOuts.Count - 1; l >= 0; l--)
        {
            paths[l] = paths[l + 1] * fanOuts[l];
        }
        return paths;
    }

    private static BigInteger Choose(int n, int k)
    {
        BigInteger result = BigInteger.One;
        for (int i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }
        return result;
    }
}
