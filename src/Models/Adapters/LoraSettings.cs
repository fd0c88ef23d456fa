namespace FedOrleans.Models.Adapters;

/// <summary>LoRA of rank <see cref="Rank"/> with scaling <c>Alpha / Rank</c>.</summary>
public sealed record LoraSettings(int Rank, double Alpha) : IAdapterSettings
{
    public LinearAdapter Create(int inFeatures, int outFeatures, ulong seed) => new LoraAdapter(inFeatures, outFeatures, this, seed);

    public string Describe() => $"LoRA r={Rank}";

    public void Validate()
    {
        if (Rank < 1)
        {
            throw new ArgumentException($"Rank must be positive, not {Rank}");
        }
    }

    /// <summary><c>r·(in + out)</c>.</summary>
    public long ParameterCount(int inFeatures, int outFeatures) => (long)Rank * (inFeatures + outFeatures);
}
