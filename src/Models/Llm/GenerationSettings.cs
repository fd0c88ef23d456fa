namespace FedOrleans.Models.Llm;

/// <summary>
/// Decoding: <see cref="Temperature"/> 0 is greedy (argmax); otherwise logits are divided by the temperature,
/// restricted to the <see cref="TopK"/> most likely tokens (0: all) and sampled with a generator seeded by
/// <see cref="Seed"/>. Generation stops after <see cref="MaxNewTokens"/> or at <see cref="StopToken"/>.
/// </summary>
public sealed record GenerationSettings(int MaxNewTokens = 50, double Temperature = 0, int TopK = 0, int Seed = 1, int? StopToken = null)
{
    public void Validate()
    {
        if (MaxNewTokens < 0 || Temperature < 0 || double.IsNaN(Temperature) || TopK < 0)
        {
            throw new ArgumentException($"generation needs MaxNewTokens >= 0, Temperature >= 0, TopK >= 0: {this}");
        }
    }
}
