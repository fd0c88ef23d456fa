using FedOrleans.Models.Adapters.FineTuning;
using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Training;
using FedOrleans.Models.Training.Cohorts;

namespace FedOrleans.Grains.Federation;

/// <summary>
/// An experiment's data as one silo sees it: the spec, the shared datasets (source, and target under
/// domain adaptation), the seeded layout of clients over them, and the local trainer. A graph experiment
/// has instead the graph split over its clients (<see cref="Graph"/>) and a <see cref="GraphTrainer"/>.
/// </summary>
public sealed class ExperimentFederation
{
    private readonly DatasetSplits? _source;
    private readonly FederationLayout? _layout;
    private readonly InputShape? _shape;
    private readonly ILocalTrainer? _trainer;

    public ExperimentFederation(ExperimentSpec spec, DatasetSplits source, DatasetSplits? target, FederationLayout layout)
    {
        Spec = spec;
        _source = source;
        Target = target;
        _layout = layout;
        var test = Test;
        _shape = new InputShape(Math.Max(source.Train.Channels, test.Channels), test.Height, test.Width, test.NumClasses);
        _trainer = spec switch
        {
            { Trainer: TrainerKind.NoOp } => new NoOpTrainer(),
            { Adaptation: not null } => new MinimaxTrainer(spec.Model, Shape),
            _ => new SupervisedTrainer(spec.Model, Shape),
        };
        if (_trainer is SupervisedTrainer && spec.Execution == ExecutionMode.Cohort && CohortSupervisedTrainer.Supports(spec.Model))
        {
            CohortTrainer = new CohortSupervisedTrainer(spec.Model, Shape);
        }
    }

    /// <summary>The batched trainer when this experiment's fits run as cohorts (<c>execution: cohort</c>, supervised models); null otherwise.</summary>
    public CohortSupervisedTrainer? CohortTrainer { get; }

    public ExperimentFederation(ExperimentSpec spec, GraphFederation graph)
    {
        var experiment = spec.GraphExperiment ?? throw new ArgumentException("a graph federation needs a spec with a graph section");
        Spec = spec;
        Graph = graph;
        GraphTrainer = new GraphTrainer(experiment.Model, experiment.Method.TrainerMode(), experiment.Asfgnn);
    }

    public ExperimentFederation(ExperimentSpec spec, AnswerTask task, Partition partition)
    {
        Spec = spec;
        AdapterTask = task;
        AdapterPartition = partition;
        AdapterTrainer = new FederatedAdapterTrainer(spec.Adapter ?? throw new ArgumentException("an adapter federation needs a spec with an adapter section"));
    }

    public ExperimentSpec Spec { get; }

    /// <summary>An adapter experiment's answer task (its training examples are split over the clients); null otherwise.</summary>
    public AnswerTask? AdapterTask { get; }

    /// <summary>Which training examples of <see cref="AdapterTask"/> each client holds.</summary>
    public Partition? AdapterPartition { get; }

    /// <summary>An adapter experiment's trainer (fit, initial adapter, server-side evaluation); null otherwise.</summary>
    public FederatedAdapterTrainer? AdapterTrainer { get; }

    public DatasetSplits Source => _source ?? throw NotImage();

    public DatasetSplits? Target { get; }

    public FederationLayout Layout => _layout ?? throw NotImage();

    /// <summary>The model's input shape (3 channels when a grey source meets a colour target).</summary>
    public InputShape Shape => _shape ?? throw NotImage();

    public ILocalTrainer Trainer => _trainer ?? throw NotImage();

    /// <summary>Where accuracy is measured: the target domain's test set under adaptation.</summary>
    public Dataset Test => (Target ?? Source).Test;

    /// <summary>A graph experiment's nodes split over its clients; null for image experiments.</summary>
    public GraphFederation? Graph { get; }

    /// <summary>A graph experiment's trainer (fit and client-side evaluation); null for image experiments.</summary>
    public GraphTrainer? GraphTrainer { get; }

    private InvalidOperationException NotImage() => new($"experiment '{Spec.Name}' is a {(Graph is null ? "adapter" : "graph")} experiment: it has no image dataset");

    public ClientShard Shard(int client, float[]? privateState = null)
    {
        var (targetDomain, indices, unlabelled) = Layout.Client(client);
        return new ClientShard(targetDomain ? Target!.Train : Source.Train, indices, unlabelled, privateState);
    }
}
