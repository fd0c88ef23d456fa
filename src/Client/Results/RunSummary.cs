using System.Text.Json;
using System.Text.Json.Serialization;
using FedOrleans.Contracts;
using FedOrleans.Models.Specs;

namespace FedOrleans.Client.Results;

/// <summary>summary.json: an experiment's outcome, its spec and every round (<see cref="ResultsWriter"/>).</summary>
public sealed record RunSummary(
    string ExperimentId,
    string Name,
    ExperimentPhase Phase,
    string? Error,
    string Mode,
    string Strategy,
    string SpecYaml,
    ExperimentSpec Spec,
    int CompletedRounds,
    int TotalRounds,
    int Resumes,
    FinalEvaluation? Final,
    double BestTestAccuracy,
    double WallSeconds,
    double? StartupSeconds,
    double RoundSecondsTotal,
    long PeakRssBytes,
    long SiloPeakRssBytes,
    string FinalWeightsSha256,
    int Parameters,
    IReadOnlyList<RoundSummary> Rounds);

/// <summary>The last evaluated round of a run.</summary>
public sealed record FinalEvaluation(int Round, double TestAccuracy, double TestLoss);

/// <summary>
/// summary.json's serializer: its type metadata is generated at build time (<see cref="ResultsJsonContext"/>); reflection
/// built the converters and property accessors (reflection, emitted code, the JIT) at the end of every run, 150-170 ms
/// of a B1 run's wall time. Enums are written as kebab-case strings ("fed-avg", "completed").
/// </summary>
internal static class ResultsJson
{
    private static readonly JsonSerializerOptions Options = new(ResultsJsonContext.Default.Options)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string Serialize(RunSummary summary) => JsonSerializer.Serialize(summary, Options);
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class ResultsJsonContext : JsonSerializerContext;
