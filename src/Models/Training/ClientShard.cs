using FedOrleans.Models.Data;

namespace FedOrleans.Models.Training;

/// <summary>
/// A client's view of the shared dataset: indices, never a copy. Unlabelled clients must not read labels.
/// <see cref="PrivateState"/> is what the client keeps between rounds (FedMM's duals), null when it has none yet.
/// </summary>
public sealed record ClientShard(Dataset Dataset, int[] Indices, bool Unlabelled, float[]? PrivateState = null)
{
    public int Count => Indices.Length;
}
