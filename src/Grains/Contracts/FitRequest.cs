namespace FedOrleans.Contracts;

/// <summary>
/// One round's work for one client. <see cref="GlobalWeights"/> is raw little-endian float32; the
/// record is immutable, so in-process calls pass it without copying. <see cref="RoundClients"/> is how many
/// clients the round sampled: a silo's cohort of the round is complete when that many have arrived.
/// </summary>
[GenerateSerializer, Immutable, Alias("fedorleans.FitRequest")]
public sealed record FitRequest(
    [property: Id(0)] int Round,
    [property: Id(1)] ulong Seed,
    [property: Id(2)] TrainerSettingsWire Settings,
    [property: Id(3)] byte[] GlobalWeights,
    [property: Id(4)] MinimaxSettingsWire? Minimax = null,
    [property: Id(5)] int RoundClients = 0);
