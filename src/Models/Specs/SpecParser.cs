using System.Text.RegularExpressions;
using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Nn;
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
        var root = LoadRoot(yaml, overrides, errors);
        if (root is null)
        {
            return (null, errors, yaml);
        }
        var spec = Read(root, errors);
        return (errors.Count == 0 ? spec : null, errors, Canonical(root));
    }

    /// <summary>
    /// Loads a YAML mapping and applies <c>path.to.key=value</c> overrides to it; null (with the error) when the
    /// text is not a YAML mapping. Shared by every spec kind (experiments, jobs) so all read YAML the same way.
    /// </summary>
    public static YamlMappingNode? LoadRoot(string yaml, IEnumerable<string>? overrides, List<SpecError> errors)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                errors.Add(new SpecError("(document)", "the spec must be a YAML mapping (key: value lines)"));
                return null;
            }
            root = mapping;
        }
        catch (YamlException e)
        {
            errors.Add(new SpecError($"(line {e.Start.Line}, column {e.Start.Column})", $"not valid YAML: {e.Message}"));
            return null;
        }
        catch (InvalidOperationException e)
        {
            errors.Add(new SpecError("(document)", $"not valid YAML: {e.Message}"));
            return null;
        }
        foreach (var o in overrides ?? [])
        {
            ApplyOverride(root, o, errors);
        }
        return root;
    }

    /// <summary>The YAML text of <paramref name="root"/> (overrides applied): what is sent to the cluster.</summary>
    public static string Canonical(YamlMappingNode root)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static void ApplyOverride(YamlMappingNode root, string assignment, List<SpecError> errors)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0)
        {
            errors.Add(new SpecError($"--set {assignment}", "must look like path.to.key=value, e.g. --set rounds=5"));
            return;
        }
        var path = assignment[..eq].Trim().Split('.');
        var text = assignment[(eq + 1)..].Trim();
        YamlNode value;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader("v: " + text));
            value = ((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("v")];
        }
        catch (YamlException e)
        {
            errors.Add(new SpecError(assignment[..eq], $"--set value '{text}' is not valid YAML: {e.Message}"));
            return;
        }
        var node = root;
        for (int i = 0; i < path.Length - 1; i++)
        {
            var key = new YamlScalarNode(path[i]);
            if (!node.Children.TryGetValue(key, out var child) || child is not YamlMappingNode childMapping)
            {
                childMapping = new YamlMappingNode();
                node.Children[key] = childMapping;
            }
            node = childMapping;
        }
        node.Children[new YamlScalarNode(path[^1])] = value;
    }

    private static ExperimentSpec Read(YamlMappingNode root, List<SpecError> errors)
    {
        var top = new YamlFields(root, "", errors);
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
        var execution = top.Enum("execution", ExecutionMode.Single);

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
            ClassesPerClient: fed.Int("classes_per_client", 2, 1, 1000),
            ShardsPerClient: fed.Int("shards_per_client", 2, 1, 1000),
            UnlabelledClients: fed.Int("unlabelled_clients", 0, 0, MaxClients));
        if (federation.UnlabelledClients > clients)
        {
            errors.Add(new SpecError("federation.unlabelled_clients", $"{federation.UnlabelledClients} exceeds federation.clients ({clients})"));
        }
        if (fed.Has("alpha") && (isGraph ? graphPartition != GraphPartitionKind.Dirichlet : kind != PartitionKind.Dirichlet))
        {
            errors.Add(new SpecError("federation.alpha", $"only applies to partition: dirichlet (partition is {(isGraph ? YamlFields.EnumName(graphPartition) : YamlFields.EnumName(kind))})"));
        }
        if (isGraph)
        {
            fed.RejectUnknown("clients", "partition", "alpha", "min_size", "cross_client_edges");
        }
        else
        {
            fed.RejectUnknown("clients", "partition", "alpha", "min_size", "classes_per_client", "shards_per_client", "unlabelled_clients");
        }
        bool crossClientEdges = isGraph && fed.Bool("cross_client_edges", false);

        var modelFields = top.Section("model");
        var modelKind = isGraph ? ModelKind.Logistic : modelFields.Enum("kind", ModelKind.Logistic);
        var hidden = isGraph ? [] : modelFields.IntList("hidden", modelKind == ModelKind.Mlp ? [200, 200] : [], 1, 100_000);
        if (!isGraph && modelFields.Has("hidden") && modelKind != ModelKind.Mlp)
        {
            errors.Add(new SpecError("model.hidden", $"only applies to kind: mlp (kind is {YamlFields.EnumName(modelKind)})"));
        }
        if (!isGraph)
        {
            modelFields.RejectUnknown("kind", "hidden");
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
        t.RejectUnknown("epochs", "batch_size", "lr", "optimizer", "momentum", "weight_decay", "local_steps");

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
        s.RejectUnknown("kind", "fraction_fit", "min_fit_clients", "min_results", "proximal_mu", "server_lr", "server_momentum", "beta1", "beta2", "tau");
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
            a.RejectUnknown("target", "target_clients", "loss", "coefficient", "mu", "dual_decay", "decay_every");
            if (modelKind != ModelKind.Cnn)
            {
                errors.Add(new SpecError("model.kind", $"domain adaptation uses the FedMM CNN; set kind: cnn (is {YamlFields.EnumName(modelKind)})"));
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
        f.RejectUnknown("fail_clients", "dropout_rate");

        top.RejectUnknown("name", "seed", "rounds", "dataset", "trainer", "round_timeout_s", "evaluate_every", "federation", "model", "train", "strategy", "faults", "adaptation", "evaluate_samples", "gpu", "graph", "adapter", "execution");
        return new ExperimentSpec(name, seed, rounds, dataset, federation, new ModelSpec(modelKind, hidden, adaptation?.Loss), trainer, train, strategy,
            TimeSpan.FromSeconds(timeout), evaluateEvery, faults, adaptation, evaluateSamples, gpu, graph, adapter, execution);
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
        g.RejectUnknown("dataset", "features", "normalise_features", "train_fraction", "validation_fraction", "split_seed", "beta", "rho", "second_steps");
        var model = new GnnSpec(
            modelFields.Enum("kind", GnnKind.Gcn),
            modelFields.Int("hidden", 16, 1, 100_000),
            modelFields.Double("dropout", 0.5, 0, 0.95),
            modelFields.Enum("activation", GnnActivation.Relu));
        modelFields.RejectUnknown("kind", "hidden", "dropout", "activation");
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
