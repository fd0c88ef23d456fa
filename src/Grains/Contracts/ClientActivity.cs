namespace FedOrleans.Contracts;

/// <summary>What a client is doing, as its experiment's coordinator last saw it (the live federation view).</summary>
[GenerateSerializer, Alias("fedorleans.ClientActivity")]
public enum ClientActivity : byte
{
    /// <summary>Not training now: between rounds, or not sampled yet.</summary>
    Idle = 0,
    Training = 1,

    /// <summary>Its last fit failed (crash, deadline, diverged weights).</summary>
    Failed = 2,

    /// <summary>Its grain was collected; the next fit re-activates it with its persisted state.</summary>
    Deactivated = 3,
}
