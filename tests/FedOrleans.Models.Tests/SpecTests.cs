using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Specs.Yaml;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Tests;

public sealed class SpecTests
{
    private const string Valid = """
        name: t1
        seed: 3
        rounds: 5
        dataset: mnist
        federation: { clients: 20, partition: dirichlet, alpha: 0.3 }
        model: { kind: mlp, hidden: [64] }
        train: { epochs: 1, batch_size: 16, lr: 0.1 }
        strategy: { kind: fedprox, fraction_fit: 0.5, proximal_mu: 0.1 }
        """;

    [Fact]
    public void A_valid_spec_parses_with_defaults()
    {
        var spec = SpecParser.Parse(Valid);
        Assert.Equal("t1", spec.Name);
        Assert.Equal(DatasetName.Mnist, spec.Dataset);
        Assert.Equal(PartitionKind.Dirichlet, spec.Partition.Kind);
        Assert.Equal(0.3, spec.Partition.Alpha);
        Assert.Equal([64], spec.Model.Hidden);
        Assert.Equal(StrategyKind.FedProx, spec.Strategy.Kind);
        Assert.Equal(TimeSpan.FromSeconds(300), spec.RoundTimeout);
    }

    [Fact]
    public void The_key_table_comes_from_the_parser_and_every_key_in_it_is_accepted()
    {
        var keys = SpecParser.Keys().Where(k => k.Key.Type != "section").ToList();
        var paths = keys.Select(k => k.Key.Path).ToHashSet();
        foreach (var path in new[] { "rounds", "train.lr", "strategy.min_fit_clients", "federation.classes_per_client", "adaptation.mu", "graph.beta", "adapter.experts", "faults.dropout_rate" })
        {
            Assert.Contains(path, paths);
        }
        // One place for defaults: the table's default is what the parser applies.
        var lr = keys.Single(k => k.Key.Path == "train.lr").Key;
        Assert.Equal("0.05", lr.Default);
        const string bare = "name: d\nrounds: 1\ndataset: mnist\nfederation: { clients: 2 }\n";
        Assert.Equal(0.05, SpecParser.Parse(bare).Train.LearningRate);
        Assert.Equal(["image", "adaptation", "adapter"], keys.Single(k => k.Key.Path == "federation.classes_per_client").Kinds);
        // Every image key of the table, set to its default, is accepted (no "unknown key"); a key outside it is refused.
        foreach (var (key, kinds) in keys.Where(k => k.Kinds.Contains("image") && k.Key.Default is not ("(required)" or "")))
        {
            var (_, errors, _) = SpecParser.TryParse(bare, [$"{key.Path}={key.Default}"]);
            Assert.DoesNotContain(errors, e => e.Message.StartsWith("unknown key", StringComparison.Ordinal));
        }
        var (_, refused, _) = SpecParser.TryParse(bare, ["train.learning_rate=0.1"]);
        var unknown = Assert.Single(refused);
        Assert.Equal("train.learning_rate", unknown.Path);
        Assert.Contains("allowed here: batch_size, epochs, local_steps, lr, momentum, optimizer, weight_decay", unknown.Message);
    }

    [Fact]
    public void Execution_is_auto_by_default_and_single_or_cohort_on_request()
    {
        Assert.Equal(ExecutionMode.Auto, SpecParser.Parse(Valid).Execution);
        Assert.Equal(ExecutionMode.Cohort, SpecParser.Parse(Valid, ["execution=cohort"]).Execution);
        Assert.Equal(ExecutionMode.Single, SpecParser.Parse(Valid, ["execution=single"]).Execution);
        // auto: cohorts on a GPU, and on a CPU for logistic regression and MLPs without dropout (closed-form gradients,
        // where they were measured faster); not for a dropout MLP or the CNN.
        Assert.True(ImageWorkload.UsesCohorts(ExecutionMode.Auto, ModelSpec.Logistic, TorchSharp.torch.CPU));
        Assert.True(ImageWorkload.UsesCohorts(ExecutionMode.Auto, new ModelSpec(ModelKind.Mlp, [200, 200]), TorchSharp.torch.CPU));
        Assert.False(ImageWorkload.UsesCohorts(ExecutionMode.Auto, new ModelSpec(ModelKind.Mlp, [200, 200], Dropout: 0.2), TorchSharp.torch.CPU));
        Assert.False(ImageWorkload.UsesCohorts(ExecutionMode.Auto, new ModelSpec(ModelKind.Cnn, []), TorchSharp.torch.CPU));
        Assert.True(ImageWorkload.UsesCohorts(ExecutionMode.Auto, new ModelSpec(ModelKind.Cnn, []), new TorchSharp.torch.Device(TorchSharp.DeviceType.CUDA)));
        Assert.False(ImageWorkload.UsesCohorts(ExecutionMode.Single, ModelSpec.Logistic, null));
        Assert.True(ImageWorkload.UsesCohorts(ExecutionMode.Cohort, new ModelSpec(ModelKind.Cnn, []), null));
        var e = Assert.Throws<SpecException>(() => SpecParser.Parse(Valid, ["execution=batched"]));
        Assert.Contains(e.Errors, x => x.Path == "execution" && x.Message.Contains("single", StringComparison.Ordinal));
    }

    [Fact]
    public void Overrides_are_applied_and_validated_like_the_file()
    {
        var spec = SpecParser.Parse(Valid, ["rounds=9", "federation.alpha=0.05", "model.hidden=[8, 8]", "dataset=fashion-mnist"]);
        Assert.Equal(9, spec.Rounds);
        Assert.Equal(0.05, spec.Partition.Alpha);
        Assert.Equal([8, 8], spec.Model.Hidden);
        Assert.Equal(DatasetName.FashionMnist, spec.Dataset);
        var e = Assert.Throws<SpecException>(() => SpecParser.Parse(Valid, ["rounds=0", "oops"]));
        Assert.Contains(e.Errors, x => x.Path == "rounds" && x.Message.Contains("allowed: 1..", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Path == "--set oops" && x.Message.Contains("path.to.key=value", StringComparison.Ordinal));
        // Dropout: MLP and CNN (after each hidden fully connected layer), off by default, not for logistic regression.
        Assert.Equal(0, spec.Model.Dropout);
        Assert.Equal(0.25, SpecParser.Parse(Valid, ["model.dropout=0.25"]).Model.Dropout);
        var logistic = Assert.Throws<SpecException>(() => SpecParser.Parse(Valid, ["model.kind=logistic", "model.dropout=0.25"]));
        Assert.Contains(logistic.Errors, x => x.Path == "model.dropout" && x.Message.Contains("mlp or cnn", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_its_path()
    {
        const string broken = """
            name: Bad Name!
            rounds: ten
            dataset: cifar
            federation: { clients: 5, partition: dirichlet, alpha: -1, colour: blue }
            model: { kind: transformer }
            train: { lr: 0, optimizer: lbfgs }
            strategy: { kind: fedmagic, fraction_fit: 1.5, min_fit_clients: 9 }
            extra: 1
            """;
        var (spec, errors, _) = SpecParser.TryParse(broken);
        Assert.Null(spec);
        void Has(string path, string text) => Assert.Contains(errors, e => e.Path == path && e.Message.Contains(text, StringComparison.Ordinal));
        Has("name", "'Bad Name!' is not allowed");
        Has("rounds", "'ten' is not an integer");
        Has("dataset", "allowed: mnist, fashion-mnist, digits, mnist-m, digits28");
        Has("federation.alpha", "greater than 0");
        Has("federation.colour", "unknown key");
        Has("model.kind", "allowed: logistic, mlp, cnn");
        Has("train.lr", "greater than 0");
        Has("train.optimizer", "allowed: sgd, adam");
        Has("strategy.kind", "allowed: fedavg, fedprox, fedavgm, fedadam, fedmm, fedavg-gda, fedprox-gda");
        Has("strategy.fraction_fit", "at most 1");
        Has("strategy.min_fit_clients", "exceeds the 5 clients");
        Has("extra", "unknown key");
        Assert.True(errors.Count >= 12);
    }

    [Fact]
    public void Required_fields_cross_checks_and_yaml_syntax_errors_are_reported()
    {
        var (_, missing, _) = SpecParser.TryParse("seed: 1\nfederation: {}\n");
        Assert.Contains(missing, e => e.Path == "name" && e.Message == "is required");
        Assert.Contains(missing, e => e.Path == "rounds" && e.Message == "is required");
        Assert.Contains(missing, e => e.Path == "federation.clients" && e.Message == "is required");

        var (_, cross, _) = SpecParser.TryParse(Valid + "\nfaults: { fail_clients: [25] }\n", ["federation.partition=iid", "strategy.min_results=11"]);
        Assert.Contains(cross, e => e.Path == "federation.alpha" && e.Message.Contains("only applies to partition: dirichlet", StringComparison.Ordinal));
        Assert.Contains(cross, e => e.Path == "faults.fail_clients" && e.Message.Contains("client 25 does not exist", StringComparison.Ordinal));
        Assert.Contains(cross, e => e.Path == "strategy.min_results" && e.Message.Contains("exceeds the 10 clients sampled", StringComparison.Ordinal));

        var (_, syntax, _) = SpecParser.TryParse("name: [unclosed\nrounds: 1");
        Assert.Contains("not valid YAML", Assert.Single(syntax).Message);
        var (_, notMapping, _) = SpecParser.TryParse("- a\n- b");
        Assert.Contains("must be a YAML mapping", Assert.Single(notMapping).Message);
    }

    [Fact]
    public void The_canonical_yaml_round_trips_to_the_same_spec()
    {
        var (spec, errors, canonical) = SpecParser.TryParse(Valid, ["rounds=7"]);
        Assert.Empty(errors);
        Assert.Equal(spec, SpecParser.Parse(canonical) with { Model = spec!.Model, Faults = spec.Faults });
        Assert.Equal(7, SpecParser.Parse(canonical).Rounds);
    }

    [Fact]
    public void Shipped_experiments_are_valid()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "FedOrleans.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }
        var files = Directory.GetFiles(Path.Combine(root, "experiments"), "*.yaml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            // A study (fedorleans tune) names its base experiment, a job (pretrain, finetune gem) its kind; everything else is an experiment.
            var errors = text.Contains("\nexperiment:", StringComparison.Ordinal) ? Tuning.StudyParser.TryParse(text).Errors
                : System.Text.RegularExpressions.Regex.IsMatch(text, "^kind:", System.Text.RegularExpressions.RegexOptions.Multiline) ? Jobs.JobSpecParser.TryParse(text).Errors
                : SpecParser.TryParse(text).Errors;
            Assert.True(errors.Count == 0, $"{file}: {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public void A_job_spec_gets_every_error_with_its_path_and_overrides_are_checked_like_the_file()
    {
        var (spec, errors, _) = Jobs.JobSpecParser.TryParse("""
            name: Bad Name
            kind: gem
            checkpoint_every: 0
            pretrain: { steps: 5 }
            gem: { iterations: 10, ntp_iterations: 20, corpus: [brown, mnist], text_tokens: 300, max_length: 512, colour: red }
            """);
        Assert.Null(spec);
        var paths = errors.Select(e => e.Path).ToList();
        foreach (var path in new[] { "name", "checkpoint_every", "pretrain", "gem.base", "gem.ntp_iterations", "gem.corpus[1]", "gem.text_tokens", "gem.colour" })
        {
            Assert.Contains(path, paths);
        }

        var ok = Jobs.JobSpecParser.Parse("name: p\nkind: pretrain\npretrain: { corpus: sotu, steps: 20 }\n", ["pretrain.lr=0.01", "gpu=required"]);
        Assert.Equal(Jobs.JobKind.Pretrain, ok.Kind);
        Assert.Equal(GpuRequirement.Required, ok.Gpu);
        Assert.Equal(0.01, ok.Pretrain!.Training.PeakLearningRate);
        Assert.Equal([Data.DatasetName.StateOfTheUnion], ok.Pretrain.Corpus);
        Assert.Equal(20, ok.TotalSteps);
        var refused = Jobs.JobSpecParser.TryParse("name: p\nkind: pretrain\n", ["pretrain.min_lr=1"]).Errors;
        Assert.Contains(refused, e => e.Path == "pretrain.min_lr");
    }
}
