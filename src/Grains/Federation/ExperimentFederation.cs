using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Training;

namespace FedOrleans.Grains.Federation;

/// <summary>
/// An experiment's data as one silo sees it: the spec, the shared datasets (source, and target under
/// domain adaptation), the seeded layout of clients over them, and the local trainer.
/// </summary>
public sealed class ExperimentFederation
{
    public ExperimentFederation(ExperimentSpec spec, DatasetSplits source, DatasetSplits? target, FederationLayout layout)
    {
        Spec = spec;
        Source = source;
        Target = target;
        Layout = layout;
        var test = Test;
        Shape = new InputShape(Math.Max(source.Train.Channels, test.Channels), test.Height, test.Width, test.NumClasses);
        Trainer = spec switch
        {
            { Trainer: TrainerKind.NoOp } => new NoOpTrainer(),
            { Adaptation: not null } => new MinimaxTrainer(spec.Model, Shape),
            _ => new SupervisedTrainer(spec.Model, Shape),
        };
    }

    public ExperimentSpec Spec { get; }

    public DatasetSplits Source { get; }

    public DatasetSplits? Target { get; }

    public FederationLayout Layout { get; }

    /// <summary>The model's input shape (3 channels when a grey source meets a colour target).</summary>
    public InputShape Shape { get; }

    public ILocalTrainer Trainer { get; }

    /// <summary>Where accuracy is measured: the target domain's test set under adaptation.</summary>
    public Dataset Test => (Target ?? Source).Test;

    public ClientShard Shard(int client, float[]? privateState = null)
    {
        var (targetDomain, indices, unlabelled) = Layout.Client(client);
        return new ClientShard(targetDomain ? Target!.Train : Source.Train, indices, unlabelled, privateState);
    }
}
