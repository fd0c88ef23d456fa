using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using FedOrleans.Client.Connection;
using FedOrleans.Contracts;
using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Specs;

namespace FedOrleans.Bench;

/// <summary>
/// Memory over a long run: one embedded silo runs each experiment in turn (B1, the quickstart, a no-op run
/// with many clients) for many rounds; every few rounds the process RSS, the managed heap and the active client
/// grains are sampled, written to a CSV per run, and the growth after warm-up is fitted by least squares.
/// After a run the silo can be left idle for a while, sampled, to see whether idle client grains are collected;
/// a no-op run also measures what a dormant (registered, never activated) client costs. On Linux the native heap
/// (glibc malloc, where libtorch's CPU tensors live) is sampled too, split into bytes in use and bytes freed but kept,
/// which tells a native leak from allocator fragmentation.
/// </summary>
public static partial class MemoryGrowth
{
    private const double MiB = 1024.0 * 1024.0;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        await new DatasetFetcher(DataCache.Default).EnsureAsync(DatasetName.Mnist);
        Directory.CreateDirectory(options.CsvDir);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### Memory over a long run ({Repository.Machine()}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC)");
        sb.AppendLine();
        if (options.Runs.Contains("noop"))
        {
            // Before the silo exists, so that nothing else allocates while the heap is measured.
            sb.AppendLine(DormantClients(options));
        }
        var clock = Stopwatch.StartNew();
        if (options.Runs.Contains("fits"))
        {
            // Before the silo exists: the same fits and evaluations without Orleans, to tell a Models leak from a runtime one.
            sb.AppendLine(await FitsWithoutOrleansAsync(options, clock));
        }
        await using var connection = await ClusterConnection.StartEmbeddedAsync(null, CancellationToken.None);
        var management = connection.Client.GetGrain<IManagementGrain>(0);
        int failures = 0;
        foreach (var run in options.Runs.Where(r => r != "fits"))
        {
            var spec = Spec(run, options);
            var id = $"memory-{run}";
            var samples = new List<Sample>();
            async Task TakeAsync(string phase, int round) =>
                samples.Add(await SampleAsync(phase, round, clock.Elapsed.TotalSeconds, management));

            await TakeAsync("start", 0);
            var grain = connection.Client.GetGrain<IExperimentGrain>(GrainKeys.Experiment(id));
            var status = await grain.StartAsync(spec);
            int next = options.Every;
            while (!status.IsFinished)
            {
                status = await grain.WaitForAsync(next, TimeSpan.FromSeconds(30));
                if ((status.CompletedRounds >= next || status.IsFinished) && status.CompletedRounds != samples[^1].Round)
                {
                    await TakeAsync("run", status.CompletedRounds);
                    Console.Error.WriteLine($"{id} {samples[^1]}");
                    next = (status.CompletedRounds / options.Every + 1) * options.Every;
                }
            }
            var report = await grain.GetReportAsync();
            if (status.Phase != ExperimentPhase.Completed)
            {
                Console.Error.WriteLine($"{id}: {status.Phase} after {status.CompletedRounds} rounds: {status.Error}");
                failures++;
            }
            if (options.IdleMinutes > 0)
            {
                // Nothing calls the clients now: do the silo's collector and the grains' age limit deactivate them?
                var idle = Stopwatch.StartNew();
                while (idle.Elapsed.TotalMinutes < options.IdleMinutes)
                {
                    await Task.Delay(TimeSpan.FromSeconds(30));
                    await TakeAsync("idle", status.CompletedRounds);
                    Console.Error.WriteLine($"{id} idle {idle.Elapsed.TotalSeconds:F0} s: {samples[^1]}");
                    if (samples[^1].ActiveClients == 0)
                    {
                        break;
                    }
                }
            }
            var csv = Path.Combine(options.CsvDir, $"{id}.csv");
            File.WriteAllText(csv, Csv(samples));
            sb.AppendLine(Describe(run, spec, report, samples, options, csv));
        }
        options.Emit(sb.ToString());
        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// The quickstart's work without Orleans: each round, 10 of its clients' fits from the same weights on the thread
    /// pool (two at a time, as the silo's training gate runs them) and one evaluation on the test set, sampled like a run.
    /// </summary>
    private static async Task<string> FitsWithoutOrleansAsync(Options options, Stopwatch clock)
    {
        var spec = SpecParser.Parse(Repository.Experiment("quickstart.yaml"));
        var data = DatasetLoader.Load(DatasetName.Mnist, DataCache.Default);
        var shape = new Models.Nn.InputShape(1, 28, 28, 10);
        var layout = FederationLayout.Create(spec.Partition, 0, data.Train.Labels, null, 10);
        var trainer = new Models.Training.SupervisedTrainer(spec.Model, shape);
        var weights = new ModelWeights(Models.Nn.ModelFactory.InitialWeights(spec.Model, shape, spec.Seed));
        using var slots = new SemaphoreSlim(2);
        var samples = new List<Sample>();
        samples.Add(await SampleAsync("start", 0, clock.Elapsed.TotalSeconds, null));
        for (int round = 1; round <= options.Rounds; round++)
        {
            var fits = Enumerable.Range(0, 10).Select(async k =>
            {
                int client = (round * 10 + k) % layout.Source.Clients;
                var shard = new Models.Training.ClientShard(data.Train, layout.Client(client).Indices, false);
                await slots.WaitAsync();
                try
                {
                    return await Task.Run(() => trainer.Fit(weights, new Models.Federated.FitInstructions(round, (ulong)(round * 1000 + k), spec.Train), shard, CancellationToken.None));
                }
                finally
                {
                    slots.Release();
                }
            }).ToList();
            var outcomes = await Task.WhenAll(fits);
            weights = outcomes[0].Weights;
            await Task.Run(() => Models.Training.ModelEvaluator.Evaluate(spec.Model, shape, weights, data.Test));
            if (round % options.Every == 0)
            {
                samples.Add(await SampleAsync("run", round, clock.Elapsed.TotalSeconds, null));
                Console.Error.WriteLine($"fits {samples[^1]}");
            }
        }
        var csv = Path.Combine(options.CsvDir, "memory-fits.csv");
        File.WriteAllText(csv, Csv(samples));
        var steady = samples.Where(s => s.Phase == "run" && s.Round > options.Warmup).ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"#### fits: the quickstart's fits and evaluations without Orleans, {options.Rounds} rounds; samples: {csv}\n\n{Slopes(steady, options.Warmup)}\n");
    }

    /// <summary>The run's spec: the experiment file with the rounds (and for the no-op run the clients and fraction) overridden.</summary>
    private static string Spec(string run, Options options)
    {
        var (file, overrides) = run switch
        {
            "b1" => ("flute-lr-mnist.yaml", new List<string>()),
            "quickstart" => ("quickstart.yaml", []),
            "noop" => ("noop-overhead.yaml", ["federation.clients=" + options.Clients, "strategy.fraction_fit=" + options.Fraction.ToString(CultureInfo.InvariantCulture)]),
            _ => throw new ArgumentException($"unknown run '{run}'; allowed: b1, quickstart, noop"),
        };
        overrides.Add("rounds=" + options.Rounds);
        var (parsed, errors, canonical) = SpecParser.TryParse(Repository.Experiment(file), overrides);
        return parsed is null ? throw new ArgumentException($"{file}: {string.Join("; ", errors)}") : canonical;
    }

    private static async Task<Sample> SampleAsync(string phase, int round, double seconds, IManagementGrain? management)
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        long rss = process.WorkingSet64;
        long managed = GC.GetTotalMemory(false);
        var info = GC.GetGCMemoryInfo();
        // Last, because it forces a full collection: the live managed bytes, without garbage not yet collected.
        long live = GC.GetTotalMemory(true);
        var (mallocUsed, mallocFree) = MallocBytes();
        int active = 0;
        if (management is not null)
        {
            var statistics = await management.GetSimpleGrainStatistics();
            active = statistics.Where(s => IsClientGrain(s.GrainType)).Sum(s => s.ActivationCount);
        }
        return new Sample(phase, round, seconds, rss / MiB, managed / MiB, info.HeapSizeBytes / MiB, live / MiB, mallocUsed / MiB, mallocFree / MiB, active);
    }

    /// <summary>glibc's native heap over all arenas: bytes in use (small chunks and mmapped ones) and bytes free but kept; NaN elsewhere.</summary>
    private static (double Used, double Free) MallocBytes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (double.NaN, double.NaN);
        }
        try
        {
            var info = MallInfo2();
            return ((double)(info.Uordblks + info.Hblkhd), info.Fordblks);
        }
        catch (EntryPointNotFoundException)
        {
            return (double.NaN, double.NaN); // musl, or glibc before 2.33
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static partial MallInfo MallInfo2();

    /// <summary>glibc's <c>struct mallinfo2</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct MallInfo(nuint Arena, nuint Ordblks, nuint Smblks, nuint Hblks, nuint Hblkhd,
        nuint Usmblks, nuint Fsmblks, nuint Uordblks, nuint Fordblks, nuint Keepcost);

    /// <summary>Orleans names a grain class here as "Namespace.Class,Assembly".</summary>
    private static bool IsClientGrain(string grainType) =>
        grainType.Split(',')[0] is var name && (name.EndsWith(".ClientGrain", StringComparison.Ordinal) || name.EndsWith(".GpuClientGrain", StringComparison.Ordinal));

    /// <summary>
    /// What a registered, never activated client costs: the federation's index arrays (each silo builds them) and
    /// the coordinator's per-client arrays, measured as the live-heap difference between two client counts.
    /// </summary>
    private static string DormantClients(Options options)
    {
        int[] labels = DatasetLoader.Load(DatasetName.Mnist, DataCache.Default).Train.Labels;
        long Measure(int clients)
        {
            var spec = SpecParser.Parse(Repository.Experiment("noop-overhead.yaml"), ["federation.clients=" + clients]);
            long before = GC.GetTotalMemory(true);
            var layout = FederationLayout.Create(spec.Partition, 0, labels, null, 10);
            var ids = Enumerable.Range(0, spec.TotalClients).Select(i => new ClientId(i)).ToArray();
            var activity = new ClientActivity[spec.TotalClients];
            long after = GC.GetTotalMemory(true);
            GC.KeepAlive(layout);
            GC.KeepAlive(ids);
            GC.KeepAlive(activity);
            return after - before;
        }
        int small = Math.Max(1, options.Clients / 100);
        Measure(small); // warm-up: JIT and the parser's first allocations
        long few = Measure(small);
        long many = Measure(options.Clients);
        double perClient = (double)(many - few) / (options.Clients - small);
        return string.Create(CultureInfo.InvariantCulture,
            $"Dormant clients (IID partition of MNIST's {labels.Length:N0} training images, experiments/noop-overhead.yaml): the partition and the coordinator's arrays take {few / 1024.0:F0} KiB live for {small:N0} clients and {many / 1024.0:F0} KiB for {options.Clients:N0}: **{perClient:F0} bytes per dormant client** (each silo holds the partition; the coordinator's arrays are 5 of those bytes).\n");
    }

    private static string Describe(string run, string spec, ExperimentReport report, List<Sample> samples, Options options, string csv)
    {
        var during = samples.Where(s => s.Phase == "run").ToList();
        var steady = during.Where(s => s.Round > options.Warmup).ToList();
        var sb = new StringBuilder();
        var parsed = SpecParser.Parse(spec);
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"#### {run}: {parsed.Name}, {parsed.TotalClients:N0} clients, {report.Status.CompletedRounds} rounds ({report.Status.Phase}), {report.Status.ElapsedSeconds:F0} s of rounds, final test accuracy {report.Rounds[^1].TestAccuracy:F4}; samples: {csv}");
        sb.AppendLine();
        sb.AppendLine("| phase | round | s | RSS MiB | managed MiB | GC heap MiB | live MiB | malloc in use MiB | malloc free MiB | active clients |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var s in samples.Where(s => s.Phase != "run" || s.Round is 50 or 200 or 500 || ReferenceEquals(s, during[^1])))
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Phase} | {s.Round} | {s.Seconds:F0} | {s.RssMiB:F0} | {s.ManagedMiB:F0} | {s.GcHeapMiB:F0} | {s.LiveMiB:F1} | {s.MallocUsedMiB:F0} | {s.MallocFreeMiB:F0} | {s.ActiveClients:N0} |");
        }
        sb.AppendLine();
        if (steady.Count >= 2)
        {
            sb.AppendLine(Slopes(steady, options.Warmup));
        }
        var end = during[^1];
        var idle = samples.Where(s => s.Phase == "idle").ToList();
        if (idle.Count > 0)
        {
            var last = idle[^1];
            int collected = end.ActiveClients - last.ActiveClients;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"Idle {last.Seconds - end.Seconds:F0} s after the last round: {collected:N0} of {end.ActiveClients:N0} client grains collected ({last.ActiveClients:N0} left).");
            if (collected > 0)
            {
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"Per activated client (end of run minus after collection, over the clients collected): live managed heap {(end.LiveMiB - last.LiveMiB) * MiB / collected:F0} bytes, RSS {(end.RssMiB - last.RssMiB) * MiB / collected:F0} bytes.");
            }
        }
        var activating = during.Where(s => s.ActiveClients < 0.99 * parsed.TotalClients).Prepend(during[0]).Distinct().ToList();
        // Only with many clients: a few hundred activations are lost in the RSS noise (tens of MiB).
        if (activating.Count >= 3 && activating[^1].ActiveClients - activating[0].ActiveClients >= 10_000)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"While clients activated (rounds {activating[0].Round}-{activating[^1].Round}, {activating[0].ActiveClients:N0} to {activating[^1].ActiveClients:N0} active; least squares against the active count): RSS {Fit(activating, s => s.ActiveClients, s => s.RssMiB) * MiB:F0} bytes and live managed heap {Fit(activating, s => s.ActiveClients, s => s.LiveMiB) * MiB:F0} bytes per activated client.");
        }
        return sb.ToString();
    }

    /// <summary>The growth per 100 rounds after warm-up, least squares, of RSS, the live heap and glibc's heap.</summary>
    private static string Slopes(IReadOnlyList<Sample> steady, int warmup)
    {
        string PerHundred(Func<Sample, double> y, int decimals)
        {
            // Rounded first and then added to +0.0, so that a tiny negative slope prints as +0.000, not -0.000.
            double value = Math.Round(Slope(steady, y) * 100, decimals) + 0.0;
            return (value >= 0 ? "+" : "") + value.ToString("F" + decimals, CultureInfo.InvariantCulture);
        }
        return string.Create(CultureInfo.InvariantCulture, $"Slope after round {warmup} ({steady.Count} samples, least squares): RSS **{PerHundred(s => s.RssMiB, 2)} MiB per 100 rounds**, live managed heap {PerHundred(s => s.LiveMiB, 3)}, malloc in use {PerHundred(s => s.MallocUsedMiB, 3)} and free {PerHundred(s => s.MallocFreeMiB, 3)} MiB per 100 rounds.");
    }

    /// <summary>Least-squares slope of <paramref name="y"/> against the round.</summary>
    private static double Slope(IReadOnlyList<Sample> samples, Func<Sample, double> y) => Fit(samples, s => s.Round, y);

    private static double Fit(IReadOnlyList<Sample> samples, Func<Sample, double> x, Func<Sample, double> y)
    {
        double mx = samples.Average(x), my = samples.Average(y);
        double sxy = samples.Sum(s => (x(s) - mx) * (y(s) - my)), sxx = samples.Sum(s => (x(s) - mx) * (x(s) - mx));
        return sxx == 0 ? 0 : sxy / sxx;
    }

    private static string Csv(IEnumerable<Sample> samples)
    {
        var sb = new StringBuilder("phase,round,seconds,rss_mib,managed_mib,gc_heap_mib,live_mib,malloc_used_mib,malloc_free_mib,active_clients\n");
        foreach (var s in samples)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{s.Phase},{s.Round},{s.Seconds:F1},{s.RssMiB:F1},{s.ManagedMiB:F1},{s.GcHeapMiB:F1},{s.LiveMiB:F2},{s.MallocUsedMiB:F1},{s.MallocFreeMiB:F1},{s.ActiveClients}");
        }
        return sb.ToString();
    }

    /// <summary>
    /// One sample. Managed: <c>GC.GetTotalMemory(false)</c>; GC heap: the heap size at the last collection; live: after a
    /// forced full collection; malloc: glibc's native heap, in use and free but kept.
    /// </summary>
    private sealed record Sample(string Phase, int Round, double Seconds, double RssMiB, double ManagedMiB, double GcHeapMiB, double LiveMiB,
        double MallocUsedMiB, double MallocFreeMiB, int ActiveClients)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"round {Round}: RSS {RssMiB:F0} MiB, managed {ManagedMiB:F0} MiB, live {LiveMiB:F1} MiB, malloc {MallocUsedMiB:F0} in use + {MallocFreeMiB:F0} free MiB, {ActiveClients} active clients");
    }

    private sealed record Options(IReadOnlyList<string> Runs, int Rounds, int Every, int Warmup, int Clients, double Fraction,
        double IdleMinutes, string CsvDir, string? Out)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(["b1", "quickstart"], 1000, 50, 200, 60_000, 0.01, 0, Path.Combine("results", "memory"), null);
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                o = args[i] switch
                {
                    "--runs" => o with { Runs = Value().Split(',') },
                    "--rounds" => o with { Rounds = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--every" => o with { Every = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--warmup" => o with { Warmup = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--clients" => o with { Clients = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--fraction" => o with { Fraction = double.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--idle-minutes" => o with { IdleMinutes = double.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--csv-dir" => o with { CsvDir = Value() },
                    "--out" => o with { Out = Value() },
                    _ => throw new ArgumentException($"unknown option {args[i]}; allowed: --runs, --rounds, --every, --warmup, --clients, --fraction, --idle-minutes, --csv-dir, --out"),
                };
            }
            return o.Every > 0 && o.Rounds > 0 ? o : throw new ArgumentException("--rounds and --every must be positive");
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
}
