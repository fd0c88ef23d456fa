using FedOrleans.Models.Federated;

namespace FedOrleans.Models.Adapters;

/// <summary>One client's fine-tuned adapter weights (<see cref="ModelAdapters.ExportWeights"/>), their layout and its sample count.</summary>
public sealed record AdapterUpdate(int Client, string Layout, ModelWeights Weights, long Samples);
