using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Training;

namespace FedOrleans.Grains.Federation;

/// <summary>An experiment's data as one silo sees it: the spec, the shared dataset, the seeded partition and the trainer.</summary>
public sealed class ExperimentFederation(ExperimentSpec spec, DatasetSplits data, Partition partition)
{
    public ExperimentSpec Spec { get; } = spec;

    public DatasetSplits Data { get; } = data;

    public Partition Partition { get; } = partition;

    public InputShape Shape { get; } = new(data.Train.Channels, data.Train.Height, data.Train.Width, data.Train.NumClasses);

    public ILocalTrainer Trainer { get; } = spec.Trainer switch
    {
        TrainerKind.NoOp => new NoOpTrainer(),
        _ => new SupervisedTrainer(spec.Model, new InputShape(data.Train.Channels, data.Train.Height, data.Train.Width, data.Train.NumClasses)),
    };

    public ClientShard Shard(int client) => new(Data.Train, Partition.ClientIndices[client], Partition.Unlabelled[client]);
}
