using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Graphs;

/// <summary>
/// A shard as tensors in the caller's dispose scope: dense features of its visible nodes, the propagation
/// matrix of its layer kind, labels (read only at training indices during training), and index lists.
/// <see cref="Owned"/> lists the owned nodes; <see cref="TrainOwned"/> the training nodes' positions within <see cref="Owned"/>.
/// </summary>
internal sealed record ShardTensors(Tensor Features, Tensor Propagation, Tensor Labels, Tensor Train, Tensor Validation, Tensor Test, Tensor Owned, Tensor TrainOwned)
{
    public static ShardTensors Create(GraphShard shard, GnnKind kind, Device device)
    {
        var graph = shard.Graph;
        var dense = graph.Features.SelectRows(shard.Nodes).ToDense();
        var features = tensor(dense, [shard.NodeCount, graph.FeatureCount]).to(device);
        var entries = kind == GnnKind.Gcn
            ? GraphAdjacency.SymmetricNormalised(shard.NodeCount, shard.EdgeSources, shard.EdgeTargets)
            : GraphAdjacency.NeighbourMean(shard.NodeCount, shard.EdgeSources, shard.EdgeTargets);
        var propagation = GraphAdjacency.ToSparse(shard.NodeCount, entries, device);
        var labels = tensor(shard.Nodes.Select(i => (long)graph.Labels[i]).ToArray()).to(device);
        Tensor Index(int[] indices) => tensor(indices.Select(i => (long)i).ToArray()).to(device);
        return new ShardTensors(features, propagation, labels, Index(shard.Train), Index(shard.Validation), Index(shard.Test),
            Index(Enumerable.Range(0, shard.OwnedCount).ToArray()), Index(shard.Train));
    }
}
