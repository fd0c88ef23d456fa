using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using FedOrleans.Client.Connection;
using FedOrleans.Contracts;
using FedOrleans.Models.Jobs;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Torch;
using Spectre.Console;

namespace FedOrleans.Client.Cli;

/// <summary>
/// Fine-tuning jobs and inference on the cluster (an embedded silo without <c>--cluster</c>):
/// <c>fedorleans pretrain SPEC</c>, <c>fedorleans finetune gem SPEC</c>, <c>fedorleans embed CHECKPOINT</c>,
/// <c>fedorleans generate CHECKPOINT</c>. Jobs are followed step by step; the console writes
/// <c>results/&lt;id&gt;/</c> (job.json, steps.csv, loss.png); Ctrl-C cancels the job, which checkpoints first.
/// </summary>
public static class JobCommands
{
    public static IEnumerable<Command> Create(CancellationToken stop)
    {
        yield return JobCommand("pretrain", "pre-train a Llama-architecture model from scratch on text corpora, as a cluster job", JobKind.Pretrain, stop);
        var finetune = new Command("finetune", "fine-tuning jobs on the cluster")
        {
            JobCommand("gem", "GEM: turn a pre-trained checkpoint into a text-embedding model, as a cluster job", JobKind.Gem, stop),
            JobCommand("smore", "adapter fine-tuning (LoRA, MixLoRA, S'MoRE) of a frozen checkpoint on an answer task, as a cluster job", JobKind.Smore, stop),
        };
        yield return finetune;
        yield return EmbedCommand(stop);
        yield return GenerateCommand(stop);
    }

    private static Command JobCommand(string name, string description, JobKind kind, CancellationToken stop)
    {
        var spec = new Argument<FileInfo>("spec") { Description = $"job spec (YAML), e.g. experiments/{kind switch { JobKind.Gem => "gem-nano", JobKind.Smore => "smore-nano", _ => "pretrain-nano" }}.yaml" };
        var set = CommonOptions.Set();
        var id = new Option<string?>("--id") { Description = "job id (default: the spec's name)" };
        var output = new Option<DirectoryInfo?>("--out") { Description = "results folder (default results/<id>)" };
        var (cluster, data, device) = ClusterTarget.Options();
        var command = new Command(name, description) { spec, set, id, output, cluster, data, device };
        command.SetAction(async parse => await RunJobAsync(kind, parse.GetValue(spec)!, parse.GetValue(set) ?? [], parse.GetValue(id), parse.GetValue(output),
            new ClusterTarget(parse.GetValue(cluster), parse.GetValue(data), parse.GetValue(device)!), stop));
        return command;
    }

    private static async Task<int> RunJobAsync(JobKind kind, FileInfo file, string[] sets, string? id, DirectoryInfo? output, ClusterTarget target, CancellationToken stop)
    {
        if (await InputFiles.ReadSpecAsync(file.FullName, "job spec", stop) is not { } text)
        {
            return ExitCodes.BadInput;
        }
        var (spec, errors, yaml) = JobSpecParser.TryParse(text, sets);
        if (spec is null)
        {
            ConsoleOutput.SpecErrors(file.Name, errors);
            return ExitCodes.BadInput;
        }
        if (spec.Kind != kind)
        {
            ConsoleOutput.Error($"{file.Name} is a {spec.Kind.ToString().ToLowerInvariant()} job; run it with `fedorleans {spec.Kind switch { JobKind.Gem => "finetune gem", JobKind.Smore => "finetune smore", _ => "pretrain" }}`");
            return ExitCodes.BadInput;
        }
        var jobId = id ?? spec.Name;
        if (!System.Text.RegularExpressions.Regex.IsMatch(jobId, "^[a-z0-9][a-z0-9_-]{0,63}$"))
        {
            ConsoleOutput.Error($"job id '{jobId}' is not allowed; use 1-64 characters a-z, 0-9, '-', '_' (--id)");
            return ExitCodes.BadInput;
        }
        var folder = output?.FullName ?? Path.Combine("results", jobId);
        if (InputFiles.CheckWritableFolder(folder) is { } problem)
        {
            ConsoleOutput.Error($"results folder: {problem}; choose another with --out (nothing was started)");
            return ExitCodes.BadInput;
        }
        return await target.WithConnectionAsync(stop, async connection =>
        {
            var registry = connection.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key);
            JobStatus status;
            try
            {
                status = await registry.StartAsync(jobId, yaml);
            }
            catch (Exception e) when (Refusals.IsRefusal(e))
            {
                ConsoleOutput.Error($"{jobId} was not started: {e.Message}");
                return ExitCodes.ForRefusal(e);
            }
            var job = (await registry.FindAsync(jobId))!;
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{jobId}: {status.Kind}, {status.TotalSteps} steps on the {connection.Description} (silo {status.Silo}, {status.Device}{(status.OnGpuSilo ? ", GPU job" : "")}); checkpoints in {status.CheckpointFolder}")));
            status = await FollowAsync(job, status, stop);
            Directory.CreateDirectory(folder);
            await WriteResultsAsync(folder, status);
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{jobId} {status.Phase} at step {status.Step}/{status.TotalSteps}{(status.Error is null ? "" : $": {status.Error}")}; checkpoint {status.CheckpointFolder} (step {status.CheckpointStep}); results in {folder}")));
            return status.Phase switch
            {
                ExperimentPhase.Completed => ExitCodes.Ok,
                ExperimentPhase.Cancelled => ExitCodes.Cancelled,
                _ => ExitCodes.ExperimentFailed,
            };
        });
    }

    /// <summary>Long-polls the job until it ends, printing each reported step; Ctrl-C cancels it (it checkpoints first).</summary>
    private static async Task<JobStatus> FollowAsync(ILanguageModelJobGrain job, JobStatus status, CancellationToken stop)
    {
        int printed = status.History.Count;
        int resumes = status.Resumes;
        try
        {
            while (!status.IsFinished)
            {
                // A job whose silo is lost resumes on another one from its checkpoint: keep asking meanwhile.
                var step = status.Step;
                status = await ExperimentRunner.RetryAsync(() => job.WaitForAsync(step + 1, ExperimentRunner.PollTimeout), message => Console.WriteLine($"cluster: {message}"), stop);
                if (status.Resumes > resumes)
                {
                    Console.WriteLine($"cluster: job resumed from its checkpoint at step {status.CheckpointStep} (resume {status.Resumes}) on {status.Silo}");
                    resumes = status.Resumes;
                    printed = Math.Min(printed, status.History.Count);
                }
                foreach (var point in status.History.Skip(printed))
                {
                    Console.WriteLine(ProgressLine(status, point));
                }
                printed = status.History.Count;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            status = await job.CancelAsync();
        }
        return status;
    }

    private static string ProgressLine(JobStatus status, JobPoint p) => string.Create(CultureInfo.InvariantCulture,
        $"step {p.Step}/{status.TotalSteps} loss {p.Loss:F4} lr {p.LearningRate:G3}{(double.IsNaN(p.Metric) ? "" : $" {status.MetricName} {p.Metric:F3}")} | {p.Seconds:F1}s");

    private static async Task WriteResultsAsync(string folder, JobStatus status)
    {
        var csv = new StringBuilder("step,loss,learning_rate,metric,seconds\n");
        foreach (var p in status.History)
        {
            csv.Append(string.Create(CultureInfo.InvariantCulture, $"{p.Step},{p.Loss:R},{p.LearningRate:R},{(double.IsNaN(p.Metric) ? "" : p.Metric.ToString("R", CultureInfo.InvariantCulture))},{p.Seconds:R}\n"));
        }
        await File.WriteAllTextAsync(Path.Combine(folder, "steps.csv"), csv.ToString());
        var summary = new
        {
            id = status.JobId,
            kind = status.Kind,
            phase = status.Phase.ToString(),
            step = status.Step,
            totalSteps = status.TotalSteps,
            checkpointStep = status.CheckpointStep,
            checkpoint = status.CheckpointFolder,
            parameters = status.Parameters,
            metric = status.MetricName,
            lastLoss = status.History.Count > 0 ? status.History[^1].Loss : (double?)null,
            lastMetric = status.History.LastOrDefault(p => !double.IsNaN(p.Metric))?.Metric,
            resumes = status.Resumes,
            silo = status.Silo,
            device = status.Device,
            gpuJob = status.OnGpuSilo,
            error = status.Error,
        };
        await File.WriteAllTextAsync(Path.Combine(folder, "job.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
        var plot = new ScottPlot.Plot();
        plot.Title($"{status.JobId}: training loss");
        plot.XLabel("step");
        plot.YLabel("loss");
        if (status.History.Count > 0)
        {
            var loss = plot.Add.Scatter(status.History.Select(p => (double)p.Step).ToArray(), status.History.Select(p => p.Loss).ToArray());
            loss.LegendText = "loss";
            var measured = status.History.Where(p => !double.IsNaN(p.Metric)).ToList();
            if (measured.Count > 0)
            {
                var metric = plot.Add.Scatter(measured.Select(p => (double)p.Step).ToArray(), measured.Select(p => p.Metric).ToArray());
                metric.LegendText = $"{status.MetricName} (right axis)";
                metric.Axes.YAxis = plot.Axes.Right;
                plot.Axes.Right.Label.Text = status.MetricName;
            }
            plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        }
        plot.SavePng(Path.Combine(folder, "loss.png"), 800, 500);
    }

    private static Command EmbedCommand(CancellationToken stop)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "checkpoint folder, as the silos see it (e.g. a gem job's checkpoint)" };
        var texts = new Option<string[]>("--text") { Description = "a text to embed (repeatable)", AllowMultipleArgumentsPerToken = false };
        var file = new Option<FileInfo?>("--file") { Description = "a file with one text per line" };
        var method = new Option<string>("--method") { Description = "gem (the checkpoint's special tokens) or mean (mean pooling)", DefaultValueFactory = _ => "gem" };
        var output = new Option<FileInfo?>("--out") { Description = "write the vectors as CSV (one row per text)" };
        var gpu = new Option<GpuRequirement>("--gpu") { Description = "none, preferred or required: run on a GPU silo", DefaultValueFactory = _ => GpuRequirement.None };
        var (cluster, data, device) = ClusterTarget.Options();
        var command = new Command("embed", "text embeddings from a checkpoint, computed on the cluster") { checkpoint, texts, file, method, output, gpu, cluster, data, device };
        command.SetAction(async parse =>
        {
            var lines = new List<string>(parse.GetValue(texts) ?? []);
            if (parse.GetValue(file) is { } f)
            {
                if (!f.Exists)
                {
                    ConsoleOutput.Error($"--file '{f.FullName}' not found");
                    return ExitCodes.BadInput;
                }
                lines.AddRange((await File.ReadAllLinesAsync(f.FullName, stop)).Where(l => l.Trim().Length > 0));
            }
            if (lines.Count == 0)
            {
                ConsoleOutput.Error("nothing to embed: give --text (repeatable) or --file");
                return ExitCodes.BadInput;
            }
            var path = Path.GetFullPath(parse.GetValue(checkpoint)!);
            var target = new ClusterTarget(parse.GetValue(cluster), parse.GetValue(data), parse.GetValue(device)!);
            return await target.WithConnectionAsync(stop, async connection =>
            {
                var grain = await InferenceGrainAsync(connection, parse.GetValue(gpu));
                if (grain is null)
                {
                    return ExitCodes.BadInput;
                }
                EmbeddingResult result;
                try
                {
                    result = await grain.EmbedAsync(path, lines, parse.GetValue(method)!);
                }
                catch (Exception e) when (Refusals.IsRefusal(e))
                {
                    ConsoleOutput.Error(e.Message);
                    return ExitCodes.ForRefusal(e);
                }
                var values = MemoryMarshal.Cast<byte, float>(result.Values).ToArray();
                var vectors = Enumerable.Range(0, result.Count).Select(i => values.AsSpan(i * result.Dimension, result.Dimension).ToArray()).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Count} vectors of {result.Dimension} ({parse.GetValue(method)}) on silo {result.Silo} in {result.Seconds:F1}s"));
                if (parse.GetValue(output) is { } csv)
                {
                    await File.WriteAllLinesAsync(csv.FullName, vectors.Select(v => string.Join(",", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)))), stop);
                    Console.WriteLine($"vectors: {csv.FullName}");
                }
                if (vectors.Count is > 1 and <= 8)
                {
                    Console.WriteLine("cosine similarities:");
                    for (int i = 0; i < vectors.Count; i++)
                    {
                        Console.WriteLine(string.Join(" ", vectors.Select(v => Cosine(vectors[i], v).ToString("F3", CultureInfo.InvariantCulture).PadLeft(6))));
                    }
                }
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static Command GenerateCommand(CancellationToken stop)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "checkpoint folder, as the silos see it" };
        var prompt = new Option<string>("--prompt") { Description = "text to continue", Required = true };
        var maxTokens = new Option<int>("--max-tokens") { Description = "tokens to generate", DefaultValueFactory = _ => 50 };
        var temperature = new Option<double>("--temperature") { Description = "0 = greedy", DefaultValueFactory = _ => 0.0 };
        var topK = new Option<int>("--top-k") { Description = "sample from the k most likely tokens (0 = all)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "sampling seed", DefaultValueFactory = _ => 1 };
        var gpu = new Option<GpuRequirement>("--gpu") { Description = "none, preferred or required: run on a GPU silo", DefaultValueFactory = _ => GpuRequirement.None };
        var (cluster, data, device) = ClusterTarget.Options();
        var command = new Command("generate", "continue a prompt with a checkpoint on the cluster (greedy, temperature, top-k)")
        {
            checkpoint, prompt, maxTokens, temperature, topK, seed, gpu, cluster, data, device,
        };
        command.SetAction(async parse =>
        {
            var path = Path.GetFullPath(parse.GetValue(checkpoint)!);
            var request = new GenerationRequest(parse.GetValue(maxTokens), parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(seed));
            var target = new ClusterTarget(parse.GetValue(cluster), parse.GetValue(data), parse.GetValue(device)!);
            return await target.WithConnectionAsync(stop, async connection =>
            {
                var grain = await InferenceGrainAsync(connection, parse.GetValue(gpu));
                if (grain is null)
                {
                    return ExitCodes.BadInput;
                }
                try
                {
                    var result = await grain.GenerateAsync(path, parse.GetValue(prompt)!, request);
                    Console.WriteLine(parse.GetValue(prompt) + result.Text);
                    return ExitCodes.Ok;
                }
                catch (Exception e) when (Refusals.IsRefusal(e))
                {
                    ConsoleOutput.Error(e.Message);
                    return ExitCodes.ForRefusal(e);
                }
            });
        });
        return command;
    }

    /// <summary>An inference grain on a GPU silo when asked and available; null (after a clear error) when a GPU is required and absent.</summary>
    private static async Task<IInferenceGrain?> InferenceGrainAsync(ClusterConnection connection, GpuRequirement gpu)
    {
        bool onGpu = false;
        if (gpu != GpuRequirement.None)
        {
            onGpu = (await connection.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).GpuSilosAsync()).Count > 0;
            if (!onGpu && gpu == GpuRequirement.Required)
            {
                ConsoleOutput.Error($"--gpu required, but no silo of the {connection.Description} advertises a GPU; start one with --device cuda or use --gpu preferred");
                return null;
            }
        }
        return GrainKeys.InferenceGrain(connection.Client, onGpu);
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
