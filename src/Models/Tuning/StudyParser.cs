using System.Globalization;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Specs.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FedOrleans.Models.Tuning;

/// <summary>
/// Parses a study spec (see experiments/asfgnn-tune-cora.yaml): <c>name</c>, <c>seed</c>, <c>experiment</c> (the base
/// experiment file, relative to the study file), <c>optimizer</c>, <c>trials</c>, <c>parallel</c>, <c>initial_random</c>,
/// <c>ard</c> and <c>space</c>, a mapping from spec paths to <c>{ kind: log-uniform|uniform|integer|categorical, low, high, choices }</c>.
/// Every error is collected with its path.
/// </summary>
public static class StudyParser
{
    public const int MaxTrials = 10_000;

    /// <summary>Sets top-level scalars (<c>optimizer=random</c>, <c>trials=10</c>, <c>seed=2</c>) in the study's YAML; returns the new text.</summary>
    public static string ApplyOverrides(string yaml, IEnumerable<string> overrides)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new SpecException("study", [new SpecError("(document)", "the study must be a YAML mapping")]);
        }
        foreach (var o in overrides)
        {
            int eq = o.IndexOf('=');
            if (eq <= 0 || o[..eq].Contains('.', StringComparison.Ordinal))
            {
                throw new SpecException("study", [new SpecError($"--set {o}", "must look like key=value for a top-level key, e.g. optimizer=random or trials=10")]);
            }
            root.Children[new YamlScalarNode(o[..eq].Trim())] = new YamlScalarNode(o[(eq + 1)..].Trim());
        }
        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    public static (StudySpec? Spec, string? ExperimentPath, IReadOnlyList<SpecError> Errors) TryParse(string yaml)
    {
        var errors = new List<SpecError>();
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                return (null, null, [new SpecError("(document)", "the study must be a YAML mapping")]);
            }
            root = mapping;
        }
        catch (YamlException e)
        {
            return (null, null, [new SpecError($"(line {e.Start.Line}, column {e.Start.Column})", $"not valid YAML: {e.Message}")]);
        }
        var reading = new SpecReading(errors);
        var top = new YamlFields(root, reading);
        var name = top.String("name", null, required: true) ?? "study";
        var experiment = top.String("experiment", null, required: true);
        var seed = top.ULong("seed", 0);
        var optimizer = top.Enum("optimizer", TunerKind.Bayesian);
        var trials = top.Int("trials", 20, 1, MaxTrials);
        var parallel = top.Int("parallel", 2, 1, 1000);
        var options = new BayesianOptions(InitialRandom: top.Int("initial_random", 5, 1, MaxTrials), Ard: top.Bool("ard", true));
        var parameters = new List<SearchParameter>();
        if (top.Has("space") && root.Children.TryGetValue(new YamlScalarNode("space"), out var spaceNode) && spaceNode is YamlMappingNode space)
        {
            foreach (var (keyNode, valueNode) in space.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                var p = new YamlFields(valueNode as YamlMappingNode, $"space.{key}", reading);
                var kind = p.Enum("kind", ParameterKind.Uniform, required: true);
                if (kind != ParameterKind.Categorical && !(p.Has("low") && p.Has("high")))
                {
                    errors.Add(new SpecError($"space.{key}", "needs low and high"));
                    continue;
                }
                if (kind == ParameterKind.Categorical)
                {
                    _ = p.Has("choices");   // read below from the node itself (a list of names or numbers)
                }
                try
                {
                    SearchParameter parameter = kind == ParameterKind.Categorical
                        ? new SearchParameter(key, kind, Choices: Choices(valueNode, $"space.{key}", errors))
                        : new SearchParameter(key, kind, p.Double("low", 0, double.MinValue, double.MaxValue), p.Double("high", 1, double.MinValue, double.MaxValue));
                    parameter = parameter.Kind == ParameterKind.Categorical ? parameter with { High = parameter.Choices!.Count - 1 } : parameter;
                    parameter.Validate();
                    parameters.Add(parameter);
                }
                catch (ArgumentException e)
                {
                    errors.Add(new SpecError($"space.{key}", e.Message));
                }
            }
        }
        else
        {
            errors.Add(new SpecError("space", "is required: a mapping from spec paths to { kind, low, high } or { kind: categorical, choices: [...] }"));
        }
        if (parameters.Count == 0 && !errors.Any(e => e.Path.StartsWith("space", StringComparison.Ordinal)))
        {
            errors.Add(new SpecError("space", "needs at least one parameter"));
        }
        reading.RejectUnasked();
        if (errors.Count > 0)
        {
            return (null, experiment, errors);
        }
        return (new StudySpec(name, seed, optimizer, trials, parallel, new SearchSpace(parameters), options), experiment, errors);
    }

    /// <summary>Parses or throws <see cref="SpecException"/>.</summary>
    public static StudySpec Parse(string yaml, string source = "study")
    {
        var (spec, _, errors) = TryParse(yaml);
        return spec ?? throw new SpecException(source, errors);
    }

    private static string[] Choices(YamlNode node, string path, List<SpecError> errors)
    {
        if (node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("choices"), out var c) && c is YamlSequenceNode seq
            && seq.Children.All(x => x is YamlScalarNode { Value: not null }))
        {
            return seq.Children.Select(x => ((YamlScalarNode)x).Value!).ToArray();
        }
        errors.Add(new SpecError($"{path}.choices", "a categorical parameter needs choices: [a, b, ...]"));
        return ["?"];
    }
}
