using System.Globalization;
using System.Text;

namespace FedOrleans.Models.Data.Partitioning;

/// <summary>The result of partitioning: each client's sample indices (sorted) and whether it is unlabelled.</summary>
public sealed class Partition(int[][] clientIndices, bool[] unlabelled)
{
    public int[][] ClientIndices { get; } = clientIndices;

    public bool[] Unlabelled { get; } = unlabelled;

    public int Clients => ClientIndices.Length;

    /// <summary>Samples per class for each client: <c>[client][class]</c>.</summary>
    public int[][] ClassHistograms(int[] labels, int numClasses) =>
        ClientIndices.Select(indices =>
        {
            var h = new int[numClasses];
            foreach (var i in indices)
            {
                h[labels[i]]++;
            }
            return h;
        }).ToArray();

    /// <summary>
    /// Mean total-variation distance between each client's label distribution and the global one:
    /// 0 for perfectly IID clients, close to 1 when every client holds a single rare class.
    /// </summary>
    public double LabelSkew(int[] labels, int numClasses)
    {
        var global = new double[numClasses];
        int total = 0;
        foreach (var indices in ClientIndices)
        {
            foreach (var i in indices)
            {
                global[labels[i]]++;
                total++;
            }
        }
        for (int c = 0; c < numClasses; c++)
        {
            global[c] /= Math.Max(total, 1);
        }
        double sum = 0;
        int counted = 0;
        foreach (var h in ClassHistograms(labels, numClasses))
        {
            int n = h.Sum();
            if (n == 0)
            {
                continue;
            }
            double tv = 0;
            for (int c = 0; c < numClasses; c++)
            {
                tv += Math.Abs((double)h[c] / n - global[c]);
            }
            sum += tv / 2;
            counted++;
        }
        return counted == 0 ? 0 : sum / counted;
    }

    /// <summary>CSV with one row per client: index, sample count, unlabelled flag and the class histogram.</summary>
    public string ToCsv(int[] labels, int numClasses)
    {
        var sb = new StringBuilder("client,samples,unlabelled");
        for (int c = 0; c < numClasses; c++)
        {
            sb.Append(CultureInfo.InvariantCulture, $",class_{c}");
        }
        sb.Append('\n');
        var histograms = ClassHistograms(labels, numClasses);
        for (int i = 0; i < Clients; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{i},{ClientIndices[i].Length},{(Unlabelled[i] ? 1 : 0)}");
            foreach (var count in histograms[i])
            {
                sb.Append(CultureInfo.InvariantCulture, $",{count}");
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
