
namespace FedOrleans.Models.Federated;

/// <summary>A client picked for this round, with its instructions.</summary>
public sealed record ClientAssignment(ClientId Client, FitInstructions Instructions);
