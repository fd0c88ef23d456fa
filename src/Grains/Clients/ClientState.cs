namespace FedOrleans.Grains.Clients;

/// <summary>
/// What a client keeps between rounds, persisted after every fit that changes it: its private state
/// (FedMM's dual variables, as float32 bytes) and the round that produced it.
/// </summary>
[GenerateSerializer, Alias("fedorleans.ClientState")]
public sealed class ClientState
{
    [Id(0)] public byte[] PrivateState { get; set; } = [];
    [Id(1)] public int Round { get; set; }
}
