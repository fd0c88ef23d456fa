namespace FedOrleans.Models.Federated;

/// <summary>The round being run (1-based) and the experiment seed; the round's only source of randomness.</summary>
public sealed record RoundContext(int Round, ulong ExperimentSeed)
{
    /// <summary>The round's client-sampling generator.</summary>
    public Random SamplingRandom() => new(SeedMixer.ToInt32(SeedMixer.Mix(ExperimentSeed, SeedMixer.SamplingPurpose, (ulong)Round)));

    /// <summary>The seed of one client's private generator for this round.</summary>
    public ulong FitSeed(ClientId client) => SeedMixer.Mix(ExperimentSeed, SeedMixer.FitPurpose, (ulong)Round, (ulong)client.Index);
}
