using FedOrleans.Models.Specs;
using FedOrleans.Models.Tuning;

namespace FedOrleans.Models.Tests;

public sealed class StudySpecTests
{
    [Fact]
    public void The_cora_study_parses_and_its_overrides_make_valid_experiments()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "FedOrleans.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }
        var text = File.ReadAllText(Path.Combine(root, "experiments", "asfgnn-tune-cora.yaml"));
        var (study, experiment, errors) = StudyParser.TryParse(text);
        Assert.Empty(errors);
        Assert.Equal("asfgnn-cora.yaml", experiment);
        Assert.Equal(TunerKind.Bayesian, study!.Optimizer);
        Assert.Equal(8, study.Space.Parameters.Count);
        Assert.Equal(1 + 1 + 1 + 3 + 3 + 1 + 1 + 1, study.Space.Dimension);
        var baseYaml = File.ReadAllText(Path.Combine(root, "experiments", experiment!));
        var random = new Random(1);
        for (int i = 0; i < 20; i++)
        {
            var overrides = study.Overrides(study.Space.Sample(random));
            var (spec, specErrors, _) = SpecParser.TryParse(baseYaml, overrides);
            Assert.True(spec is not null, string.Join("; ", specErrors) + " with " + string.Join(" ", overrides));
        }
        var randomStudy = StudyParser.TryParse(StudyParser.ApplyOverrides(text, ["optimizer=random", "trials=3"])).Spec!;
        Assert.Equal((TunerKind.Random, 3), (randomStudy.Optimizer, randomStudy.Trials));
        Assert.IsType<RandomSearch>(randomStudy.CreateOptimizer());
    }

    [Fact]
    public void Study_errors_name_their_paths()
    {
        const string yaml = """
            name: s
            trials: 0
            optimizer: grid
            space:
              train.lr: { kind: log-uniform, low: 0, high: 1 }
              model.activation: { kind: categorical }
              x: { kind: uniform, low: 1 }
            """;
        var (spec, _, errors) = StudyParser.TryParse(yaml);
        Assert.Null(spec);
        var paths = errors.Select(e => e.Path).ToHashSet();
        foreach (var path in new[] { "experiment", "trials", "optimizer", "space.train.lr", "space.model.activation.choices", "space.x" })
        {
            Assert.Contains(path, paths);
        }
    }
}
