using FedOrleans.Models.Adapters.FederatedFineTuning;
using FedOrleans.Models.Adapters.FineTuning;
using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Jobs;
using FedOrleans.Models.Llm.Tokenization;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Specs;

/// <summary>
/// What kind of experiment a spec describes, with what only that kind has: image classification (no section),
/// domain adaptation (<c>adaptation:</c>), node classification on a graph (<c>graph:</c>) or adapter fine-tuning
/// (<c>adapter:</c>). A closed set: each kind builds its <see cref="IFederatedWorkload"/>, so nothing else switches
/// on the kind (docs/workloads.md shows how to add one).
/// </summary>
public abstract record WorkloadSpec
{
    private protected WorkloadSpec()
    {
    }

    /// <summary>All clients of <paramref name="spec"/>: its federation's, and the kind's own (the target domain's).</summary>
    public virtual int TotalClients(ExperimentSpec spec) => spec.Partition.Clients;

    /// <summary>The catalog datasets the workload reads (fetched before it is built).</summary>
    public abstract IReadOnlyList<DatasetName> Datasets(ExperimentSpec spec);

    /// <summary>The image datasets its silos load into memory (an embedded silo loads them while it starts).</summary>
    public virtual IReadOnlyList<DatasetName> ImageDatasets(ExperimentSpec spec) => [];

    /// <summary>The model and the data, in one line.</summary>
    public abstract string Describe(ExperimentSpec spec);

    /// <summary>Builds the workload of <paramref name="spec"/> from a silo's data (CPU-bound parts run on the thread pool).</summary>
    public abstract Task<IFederatedWorkload> CreateAsync(ExperimentSpec spec, IWorkloadData data);

    /// <summary>Image classification, with a target domain's unlabelled clients after the source ones under <paramref name="adaptation"/>.</summary>
    private protected static async Task<IFederatedWorkload> CreateImageAsync(ExperimentSpec spec, IWorkloadData data, AdaptationSpec? adaptation)
    {
        var source = await data.GetAsync(spec.Dataset);
        var target = adaptation is null ? null : await data.GetAsync(adaptation.Target);
        var layout = await Task.Run(() => FederationLayout.Create(
            spec.Partition, adaptation?.TargetClients ?? 0, source.Train.Labels, target?.Train.Labels, source.Train.NumClasses));
        return new ImageWorkload(spec.Model, spec.Trainer, source, target, layout, spec.Execution, spec.EvaluateSamples, data.Device);
    }
}

/// <summary>Image classification: <c>dataset</c> split over the clients by <c>federation</c>, <c>model</c> trained by <c>trainer</c>.</summary>
public sealed record ImageClassificationWorkloadSpec : WorkloadSpec
{
    public override IReadOnlyList<DatasetName> Datasets(ExperimentSpec spec) => [spec.Dataset];

    public override IReadOnlyList<DatasetName> ImageDatasets(ExperimentSpec spec) => Datasets(spec);

    public override string Describe(ExperimentSpec spec) => $"{spec.Model} on {spec.Dataset}";

    public override Task<IFederatedWorkload> CreateAsync(ExperimentSpec spec, IWorkloadData data) => CreateImageAsync(spec, data, null);
}

/// <summary>Federated domain adaptation (FedMM and its baselines): <c>dataset</c> is the labelled source domain, <see cref="Adaptation"/> the unlabelled target.</summary>
public sealed record DomainAdaptationWorkloadSpec(AdaptationSpec Adaptation) : WorkloadSpec
{
    public override int TotalClients(ExperimentSpec spec) => spec.Partition.Clients + Adaptation.TargetClients;

    public override IReadOnlyList<DatasetName> Datasets(ExperimentSpec spec) => [spec.Dataset, Adaptation.Target];

    public override IReadOnlyList<DatasetName> ImageDatasets(ExperimentSpec spec) => Datasets(spec);

    public override string Describe(ExperimentSpec spec) => $"{spec.Model} on {spec.Dataset} -> {Adaptation.Target}";

    public override Task<IFederatedWorkload> CreateAsync(ExperimentSpec spec, IWorkloadData data) => CreateImageAsync(spec, data, Adaptation);
}

/// <summary>Node classification on a graph split over the clients (ASFGNN and its baselines).</summary>
public sealed record GraphWorkloadSpec(GraphSpec Graph) : WorkloadSpec
{
    public override IReadOnlyList<DatasetName> Datasets(ExperimentSpec spec) => Graph.Data.FromGraphTool ? [DatasetName.GraphTool] : [];

    public override string Describe(ExperimentSpec spec) => $"{Graph.Model.Kind} on {Graph.Data.Name}, {Graph.Partition} split";

    /// <summary>The method the strategy names: FedAvg with one client is centralised training.</summary>
    public GraphMethod Method(ExperimentSpec spec) => spec.Strategy.Kind switch
    {
        StrategyKind.Asfgnn => GraphMethod.Asfgnn,
        StrategyKind.LocalOnly => GraphMethod.LocalOnly,
        _ when spec.Partition.Clients == 1 => GraphMethod.Centralised,
        _ => GraphMethod.FedAvg,
    };

    /// <summary>How the graph's nodes are split over the clients.</summary>
    public GraphFederationSpec GraphPartition(ExperimentSpec spec) =>
        new(Graph.Partition, spec.Partition.Clients, spec.Partition.Seed, spec.Partition.Alpha, spec.Partition.MinSize, Graph.CrossClientEdges);

    /// <summary>The graph split per the spec (one shard holding the whole graph for centralised training).</summary>
    public GraphFederation Split(ExperimentSpec spec, Graph graph) => GraphFederation.For(Method(spec), graph, GraphPartition(spec));

    public override async Task<IFederatedWorkload> CreateAsync(ExperimentSpec spec, IWorkloadData data)
    {
        var graph = await data.GetGraphAsync(Graph.Data);
        var federation = await Task.Run(() => Split(spec, graph));
        return new GraphWorkload(federation, new GraphTrainer(Graph.Model, Method(spec).TrainerMode(), Graph.Asfgnn, data.Device), spec.Train);
    }
}

/// <summary>Federated fine-tuning of an adapter (S'MoRE, LoRA, ...) on a frozen checkpoint; only the adapter's weights travel.</summary>
public sealed record AdapterWorkloadSpec(SmoreJobSettings FineTuning) : WorkloadSpec
{
    public override IReadOnlyList<DatasetName> Datasets(ExperimentSpec spec) => [spec.Dataset];

    public override string Describe(ExperimentSpec spec) => $"{FineTuning.Adapter.Describe()} adapter on {FineTuning.Task} ({FineTuning.Base})";

    public override async Task<IFederatedWorkload> CreateAsync(ExperimentSpec spec, IWorkloadData data)
    {
        var settings = FineTuning with { Base = data.ResolveCheckpoint(FineTuning.Base) };
        if (!File.Exists(Path.Combine(settings.Base, "config.json")))
        {
            throw new DataFormatException(settings.Base, $"adapter.base: no checkpoint (config.json) here; give a pretrain job's checkpoint folder as the silos see it, or {JobCheckpoints.Prefix}<id>");
        }
        await data.EnsureAsync(spec.Dataset);
        return await Task.Run<IFederatedWorkload>(() =>
        {
            var task = AnswerTasks.Real(settings.Task, data.Cache, CheckpointTokenizers.ForFolder(settings.Base, []), (int)(spec.Seed % int.MaxValue) + 1);
            var labels = task.Train.Select(e => e.Answer).ToArray();
            return new AdapterWorkload(settings, task, Partitioner.Create(spec.Partition, labels, task.Choices.Count), spec.EvaluateSamples, data.Device);
        });
    }
}

/// <summary>Where a silo's workloads get their data: its cache, loaded once and shared.</summary>
public interface IWorkloadData
{
    /// <summary>The silo's data cache.</summary>
    DataCache Cache { get; }

    /// <summary>A catalog dataset's splits, fetched first when missing.</summary>
    Task<DatasetSplits> GetAsync(DatasetName name);

    /// <summary>Fetches a catalog dataset into the cache when missing, without loading it.</summary>
    Task EnsureAsync(DatasetName name);

    /// <summary>A graph with its features and split.</summary>
    Task<Graph> GetGraphAsync(GraphDataSpec spec);

    /// <summary>The folder a checkpoint reference names (<see cref="JobCheckpoints"/>).</summary>
    string ResolveCheckpoint(string reference);

    /// <summary>Where the silo trains (its <c>--device</c>).</summary>
    TorchSharp.torch.Device Device { get; }
}
