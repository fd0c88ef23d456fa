using System.Globalization;

namespace FedOrleans.Bench;

/// <summary>Command-line options shared by the benchmarks.</summary>
public sealed record BenchOptions(int Repeats, IReadOnlyList<int> Sizes, string? Out, IReadOnlyList<string>? Models = null)
{
    public static BenchOptions Parse(string[] args)
    {
        int repeats = 3;
        IReadOnlyList<int> sizes = [10, 100, 1000, 10000];
        string? output = null;
        IReadOnlyList<string>? models = null;
        for (int i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--repeats": repeats = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--sizes": sizes = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); i++; break;
                case "--out": output = value; i++; break;
                case "--models": models = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries); i++; break;
                default: throw new ArgumentException($"unknown option {args[i]}; allowed: --repeats, --sizes, --out, --models (cohort: logistic,mlp,cnn,fedmm)");
            }
        }
        return new BenchOptions(repeats, sizes, output, models);
    }

    /// <summary>Prints the report and, with --out, appends it to a file.</summary>
    public void Emit(string markdown)
    {
        Console.WriteLine(markdown);
        if (Out is not null)
        {
            File.AppendAllText(Out, markdown + Environment.NewLine);
        }
    }
}
