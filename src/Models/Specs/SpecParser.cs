using System.Text.RegularExpressions;
using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Specs.Yaml;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FedOrleans.Models.Specs;

/// <summary>
/// Parses and validates experiment specs. All errors are collected, each with its YAML path and
/// what is allowed. <c>--set key=value</c> overrides are applied to the YAML tree before validation,
/// so an override is checked exactly like the file's own value.
/// </summary>
public static partial class SpecParser
{
    public const int MaxClients = 10_000_000;
    public const int MaxRounds = 1_000_000;

    /// <summary>Parses YAML text with overrides (<c>path.to.key=value</c>); throws <see cref="SpecException"/> listing every error.</summary>
    public static ExperimentSpec Parse(string yaml, IEnumerable<string>? overrides = null, string source = "spec")
    {
        var (spec, errors, _) = TryParse(yaml, overrides);
        if (errors.Count > 0)
        {
            throw new SpecException(source, errors);
        }
        return spec!;
    }

    /// <summary>Parses without throwing; also returns the canonical YAML (overrides applied) to send to the cluster.</summary>
    public static (ExperimentSpec? Spec, IReadOnlyList<SpecError> Errors, string CanonicalYaml) TryParse(string yaml, IEnumerable<string>? overrides = null)
    {
        var errors = new List<SpecError>();
        var root = SpecDocuments.LoadRoot(yaml, overrides, errors);
        if (root is null)
        {
            return (null, errors, yaml);
        }
        var spec = Read(root, new SpecReading(errors));
        return (errors.Count == 0 ? spec : null, errors, SpecDocuments.Canonical(root));
    }

    /// <summary>
    /// Every key an experiment spec can have, with its type, default and range, and the kinds of experiment that read it:
    /// what the parser asks for, recorded by reading one bare spec of each kind (the table behind unknown-key errors and
    /// <c>fedorleans spec keys</c>). A key whose type or range differs between kinds (<c>model.kind</c>) has a row per kind.
    /// </summary>
    public static IReadOnlyList<(SpecKey Key, IReadOnlyList<string> Kinds)> Keys()
    {
        (string Kind, string Yaml)[] kinds =
        [
            ("image", "name: keys\n"), ("adaptation", "name: keys\nadaptation: {}\n"),
            ("graph", "name: keys\ngraph: {}\n"), ("adapter", "name: keys\nadapter: {}\n"),
            ("adapter", "name: keys\nadapter: { adapter: mixlora }\n"),
        ];
        var rows = new Dictionary<SpecKey, List<string>>();
        foreach (var (kind, yaml) in kinds)
        {
            var reading = new SpecReading([]);
            Read(SpecDocuments.LoadRoot(yaml, null, reading.Errors)!, reading);
            foreach (var key in reading.Keys)
            {
                var list = rows.TryGetValue(key, out var found) ? found : rows[key] = [];
                if (!list.Contains(kind))
                {
                    list.Add(kind);
                }
            }
        }
        return rows.Select(r => (r.Key, (IReadOnlyList<string>)r.Value)).ToList();
    }

    private static ExperimentSpec Read(YamlMappingNode root, SpecReading reading)
    {
        var errors = reading.Errors;
        var top = new YamlFields(root, reading);
        var name = top.String("name", null, required: true) ?? "unnamed";
        if (!NamePattern().IsMatch(name))
        {
            errors.Add(new SpecError("name", $"'{name}' is not allowed; use 1-64 characters a-z, 0-9, '-', '_', starting with a letter or digit (it names the results folder)"));
        }
        var seed = top.ULong("seed", 0);
        var rounds = top.Int("rounds", 10, 1, MaxRounds, required: true);
        bool isGraph = top.Has("graph");
        bool isAdapter = top.Has("adapter");
        var adapter = isAdapter ? Jobs.JobSpecParser.ReadSmore(top.Section("adapter"), (int)(seed % int.MaxValue), errors, federated: true) : null;
        if (isAdapter && top.Has("dataset"))
        {
            errors.Add(new SpecError("dataset", "an adapter experiment names its task in adapter.task; remove the top-level dataset"));
        }
        var dataset = isAdapter ? Adapters.FineTuning.AnswerTasks.RealDatasetOrDefault(adapter!.Task)
            : top.Enum("dataset", isGraph ? DatasetName.GraphTool : DatasetName.Mnist, required: !isGraph);
        if (isGraph && top.Has("dataset"))
        {
            errors.Add(new SpecError("dataset", "a graph experiment names its graph in graph.dataset; remove the top-level dataset"));
        }
        else if (!isGraph && !isAdapter && !DatasetCatalog.Get(dataset).IsTrainingSet)
        {
            errors.Add(new SpecError("dataset", $"{YamlFields.EnumName(dataset)} is a file collection (photos for mnist-m, or graph-tool networks for graph experiments), not an image training set"));
        }
        var trainer = top.Enum("trainer", TrainerKind.Supervised);
        var timeout = top.Double("round_timeout_s", 300, 0.001, 86_400, minExclusive: true);
        var evaluateEvery = top.Int("evaluate_every", 1, 1, MaxRounds);
        var evaluateSamples = top.Int("evaluate_samples", 0, 0, 100_000_000);
        var gpu = top.Enum("gpu", GpuRequirement.None);
        var execution = top.Enum("execution", ExecutionMode.Auto);

        var fed = top.Section("federation");
        var clients = fed.Int("clients", 10, 1, MaxClients, required: true);
        var kind = isGraph ? PartitionKind.Iid : fed.Enum("partition", PartitionKind.Iid);
        var graphPartition = isGraph ? fed.Enum("partition", GraphPartitionKind.Random) : GraphPartitionKind.Random;
        var federation = new PartitionSpec(
            kind,
            clients,
            SeedMixer.Mix(seed, SeedMixer.PartitionPurpose),
            Alpha: fed.Double("alpha", 0.5, 0, 1e6, minExclusive: true),
            MinSize: fed.Int("min_size", kind == PartitionKind.Dirichlet ? 10 : isGraph ? 5 : 1, 0, 1_000_000),
            // Image partitions only: a graph's nodes are split by graph.partition's own rules.
            ClassesPerClient: isGraph ? 2 : fed.Int("classes_per_client", 2, 1, 1000),
            ShardsPerClient: isGraph ? 2 : fed.Int("shards_per_client", 2, 1, 1000),
            UnlabelledClients: isGraph ? 0 : fed.Int("unlabelled_clients", 0, 0, MaxClients));
        if (federation.UnlabelledClients > clients)
        {
            errors.Add(new SpecError("federation.unlabelled_clients", $"{federation.UnlabelledClients} exceeds federation.clients ({clients})"));
        }
        if (fed.Has("alpha") && (isGraph ? graphPartition != GraphPartitionKind.Dirichlet : kind != PartitionKind.Dirichlet))
        {
            errors.Add(new SpecError("federation.alpha", $"only applies to partition: dirichlet (partition is {(isGraph ? YamlFields.EnumName(graphPartition) : YamlFields.EnumName(kind))})"));
        }
        bool crossClientEdges = isGraph && fed.Bool("cross_client_edges", false);

        var modelFields = top.Section("model");
        // An image model (a graph's is read with the graph section; an adapter experiment's model is its checkpoint).
        bool imageModel = !isGraph && !isAdapter;
        var modelKind = imageModel ? modelFields.Enum("kind", ModelKind.Logistic) : ModelKind.Logistic;
        var hidden = imageModel ? modelFields.IntList("hidden", modelKind == ModelKind.Mlp ? [200, 200] : [], 1, 100_000) : [];
        if (imageModel && modelFields.Has("hidden") && modelKind != ModelKind.Mlp)
        {
            errors.Add(new SpecError("model.hidden", $"only applies to kind: mlp (kind is {YamlFields.EnumName(modelKind)})"));
        }
        // Image models: dropout after each hidden fully connected layer (the graph section reads a GNN's own dropout).
        double dropout = imageModel ? modelFields.Double("dropout", 0, 0, 0.95) : 0;
        if (imageModel && dropout > 0 && modelKind == ModelKind.Logistic)
        {
            errors.Add(new SpecError("model.dropout", "only applies to kind: mlp or cnn (logistic regression has no hidden layer)"));
        }
        if (isAdapter && (top.Has("model") || top.Has("adaptation") || isGraph))
        {
            errors.Add(new SpecError(top.Has("model") ? "model" : top.Has("adaptation") ? "adaptation" : "graph", "an adapter experiment's model is adapter.base with adapter.adapter; remove this section"));
        }
        GraphSpec? graph = isGraph ? ReadGraph(top, modelFields, errors) with { Partition = graphPartition, CrossClientEdges = crossClientEdges } : null;

        var t = top.Section("train");
        var train = new TrainerSettings(
            Epochs: t.Int("epochs", 1, 1, 10_000),
            BatchSize: t.Int("batch_size", 32, 1, 1_000_000),
            LearningRate: t.Double("lr", 0.05, 0, 100, minExclusive: true),
            Optimizer: t.Enum("optimizer", OptimizerKind.Sgd),
            Momentum: t.Double("momentum", 0, 0, 0.9999),
            WeightDecay: t.Double("weight_decay", 0, 0, 10),
            LocalSteps: t.Int("local_steps", 0, 0, 1_000_000));

        var s = top.Section("strategy");
        var strategy = new StrategySpec(
            Kind: s.Enum("kind", StrategyKind.FedAvg),
            FractionFit: s.Double("fraction_fit", 0.1, 0, 1, minExclusive: true),
            MinFitClients: s.Int("min_fit_clients", 1, 1, MaxClients),
            MinResults: s.Int("min_results", 1, 1, MaxClients),
            ProximalMu: s.Double("proximal_mu", 0.01, 0, 1e6),
            ServerLearningRate: s.Double("server_lr", 1.0, 0, 1e3, minExclusive: true),
            ServerMomentum: s.Double("server_momentum", 0.9, 0, 0.9999),
            Beta1: s.Double("beta1", 0.9, 0, 0.9999),
            Beta2: s.Double("beta2", 0.99, 0, 0.99999),
            Tau: s.Double("tau", 1e-3, 0, 10, minExclusive: true));
        AdaptationSpec? adaptation = null;
        if (top.Has("adaptation"))
        {
            var a = top.Section("adaptation");
            var loss = a.Enum("loss", AdversarialLoss.Dann);
            adaptation = new AdaptationSpec(
                a.Enum("target", DatasetName.MnistM, required: true),
                a.Int("target_clients", 1, 1, MaxClients),
                loss,
                Coefficient: a.Double("coefficient", 1.0, 0, 1e3),
                Mu: a.Double("mu", 2.0, 0, 1e6, minExclusive: true),
                DualDecay: a.Double("dual_decay", 1.05, 1.0, 10),
                DecayEvery: a.Double("decay_every", 100, 0, 1e9, minExclusive: true));
            if (modelKind != ModelKind.Cnn)
            {
                errors.Add(new SpecError("model.kind", $"domain adaptation uses the FedMM CNN; set kind: cnn (is {YamlFields.EnumName(modelKind)})"));
            }
            if (dropout > 0)
            {
                errors.Add(new SpecError("model.dropout", "the FedMM CNN of domain adaptation has no dropout; remove model.dropout"));
            }
            if (adaptation.Target == dataset)
            {
                errors.Add(new SpecError("adaptation.target", "must differ from dataset (the source domain)"));
            }
            if (!DatasetCatalog.Get(adaptation.Target).IsTrainingSet)
            {
                errors.Add(new SpecError("adaptation.target", "photo collections are not training sets"));
            }
            else if (DatasetCatalog.Get(adaptation.Target) is var tgt && DatasetCatalog.Get(dataset) is var src
                && (tgt.Height != src.Height || tgt.Width != src.Width || tgt.NumClasses != src.NumClasses))
            {
                errors.Add(new SpecError("adaptation.target", $"{tgt.Key} ({tgt.Height}x{tgt.Width}, {tgt.NumClasses} classes) does not match {src.Key} ({src.Height}x{src.Width}, {src.NumClasses} classes)"));
            }
        }
        bool graphStrategy = strategy.Kind is StrategyKind.Asfgnn or StrategyKind.LocalOnly;
        if (isGraph && strategy.Kind is not (StrategyKind.FedAvg or StrategyKind.Asfgnn or StrategyKind.LocalOnly))
        {
            errors.Add(new SpecError("strategy.kind", $"graph experiments use fedavg (centralised with one client), asfgnn or local-only, not {YamlFields.EnumName(strategy.Kind)}"));
        }
        if (!isGraph && graphStrategy)
        {
            errors.Add(new SpecError("strategy.kind", $"{YamlFields.EnumName(strategy.Kind)} is for graph experiments: add a graph section"));
        }
        bool minimax = strategy.Kind is StrategyKind.FedMM or StrategyKind.FedAvgGda or StrategyKind.FedProxGda;
        if (minimax && adaptation is null)
        {
            errors.Add(new SpecError("strategy.kind", $"{YamlFields.EnumName(strategy.Kind)} is for domain adaptation: add an adaptation section (target, target_clients, loss)"));
        }
        if (!minimax && adaptation is not null)
        {
            errors.Add(new SpecError("strategy.kind", "an adaptation section needs a minimax strategy: fedmm, fedavg-gda or fedprox-gda"));
        }
        clients += adaptation?.TargetClients ?? 0;
        if (strategy.MinFitClients > clients)
        {
            errors.Add(new SpecError("strategy.min_fit_clients", $"{strategy.MinFitClients} exceeds the {clients} clients (federation.clients{(adaptation is null ? "" : " + adaptation.target_clients")})"));
        }
        int perRound = ClientSampler.SampleSize(clients, strategy.FractionFit, strategy.MinFitClients);
        if (strategy.MinResults > perRound)
        {
            errors.Add(new SpecError("strategy.min_results", $"{strategy.MinResults} exceeds the {perRound} clients sampled per round (fraction_fit x clients, at least min_fit_clients)"));
        }

        var f = top.Section("faults");
        var faults = new FaultSpec(
            f.IntList("fail_clients", [], 0, MaxClients),
            f.Double("dropout_rate", 0, 0, 1));
        foreach (var c in faults.FailClients.Where(c => c >= clients))
        {
            errors.Add(new SpecError("faults.fail_clients", $"client {c} does not exist; clients are 0..{clients - 1}"));
        }

        reading.RejectUnasked();
        WorkloadSpec workload = (adaptation, graph, adapter) switch
        {
            ({ } a, _, _) => new DomainAdaptationWorkloadSpec(a),
            (_, { } g, _) => new GraphWorkloadSpec(g),
            (_, _, { } ad) => new AdapterWorkloadSpec(ad),
            _ => new ImageClassificationWorkloadSpec(),
        };
        return new ExperimentSpec(name, seed, rounds, dataset, federation, new ModelSpec(modelKind, hidden, adaptation?.Loss, dropout), trainer, train, strategy,
            TimeSpan.FromSeconds(timeout), evaluateEvery, faults, workload, evaluateSamples, gpu, execution);
    }

    /// <summary>The graph section, and for graph experiments the model section's GNN fields (kind gcn/sage, hidden, dropout, activation).</summary>
    private static GraphSpec ReadGraph(YamlFields top, YamlFields modelFields, List<SpecError> errors)
    {
        var g = top.Section("graph");
        var (dataset, planetoidName) = ReadGraphDataset(g.String("dataset", null, required: true), g.PathOf("dataset"), errors);
        var data = new GraphDataSpec(
            dataset,
            g.Enum("features", GraphFeatureKind.Native),
            g.Bool("normalise_features", true),
            g.Double("train_fraction", 0.1, 0, 1, minExclusive: true),
            g.Double("validation_fraction", 0.1, 0, 1),
            g.Int("split_seed", 0, 0, int.MaxValue),
            planetoidName);
        if (data.TrainFraction + data.ValidationFraction >= 1)
        {
            errors.Add(new SpecError("graph.train_fraction", $"train_fraction + validation_fraction must be below 1 (is {data.TrainFraction + data.ValidationFraction})"));
        }
        var asfgnn = new AsfgnnSettings(
            g.Double("beta", 0.5, 0, 1),
            g.Double("rho", 1.0, 0, 1e3),
            g.Int("second_steps", 10, 0, 10_000));
        var model = new GnnSpec(
            modelFields.Enum("kind", GnnKind.Gcn),
            modelFields.Int("hidden", 16, 1, 100_000),
            modelFields.Double("dropout", 0.5, 0, 0.95),
            modelFields.Enum("activation", GnnActivation.Relu));
        return new GraphSpec(data, GraphPartitionKind.Random, false, model, asfgnn);
    }

    /// <summary>
    /// <c>graph.dataset</c>: a built-in graph (karate, the graph-tool networks, cora, citeseer, pubmed) or the name of
    /// any other dataset in the Planetoid layout; whether its files are in the Planetoid folder is checked when it loads.
    /// </summary>
    private static (GraphDatasetName Name, string? PlanetoidName) ReadGraphDataset(string? text, string path, List<SpecError> errors)
    {
        if (text is null)
        {
            return (GraphDatasetName.Cora, null);   // required: the missing field is already an error
        }
        foreach (var name in Enum.GetValues<GraphDatasetName>().Where(n => n != GraphDatasetName.Planetoid))
        {
            if (string.Equals(name.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                return (name, null);
            }
        }
        if (!PlanetoidNamePattern().IsMatch(text))
        {
            var known = Enum.GetValues<GraphDatasetName>().Where(n => n != GraphDatasetName.Planetoid).Select(n => n.ToString().ToLowerInvariant());
            errors.Add(new SpecError(path, $"'{text}' is neither a built-in graph ({string.Join(", ", known)}) nor a Planetoid dataset name (letters, digits, '_', '-'; its files are ind.<name>.x, ... in the Planetoid folder)"));
            return (GraphDatasetName.Cora, null);
        }
        return (GraphDatasetName.Planetoid, text);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex PlanetoidNamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();
}
