namespace FedOrleans.Models.Data.Partitioning;

/// <summary>
/// A seeded, reproducible partition of a dataset's training samples over <see cref="Clients"/> clients.
/// <see cref="UnlabelledClients"/> clients (chosen by the seed) keep their inputs but lose their labels.
/// </summary>
public sealed record PartitionSpec(
    PartitionKind Kind,
    int Clients,
    ulong Seed,
    double Alpha = 0.5,
    int MinSize = 10,
    int ClassesPerClient = 2,
    int ShardsPerClient = 2,
    int UnlabelledClients = 0);
