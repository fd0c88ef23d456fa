using FedOrleans.Models.Data;

namespace FedOrleans.Models.Training;

/// <summary>A client's view of the shared dataset: indices, never a copy. Unlabelled clients must not read labels.</summary>
public sealed record ClientShard(Dataset Dataset, int[] Indices, bool Unlabelled)
{
    public int Count => Indices.Length;
}
