using FedOrleans.Models.Federated;

namespace FedOrleans.Models.Specs;

/// <summary>
/// Simulated client faults: the clients in <see cref="FailClients"/> throw on every fit, and any
/// client throws with probability <see cref="DropoutRate"/> per fit (decided by the fit's seed, so it
/// is reproducible). Used to study robustness and to test failure handling.
/// </summary>
public sealed record FaultSpec(IReadOnlyList<int> FailClients, double DropoutRate)
{
    public static FaultSpec None { get; } = new([], 0);

    public bool ShouldFail(ClientId client, ulong fitSeed) =>
        FailClients.Contains(client.Index)
        || (DropoutRate > 0 && new Random(SeedMixer.ToInt32(SeedMixer.Mix(fitSeed, 0xFA17))).NextDouble() < DropoutRate);
}
