namespace FedOrleans.Models.Federated;

/// <summary>
/// Derives independent seeds from an experiment seed and coordinates (round, client, purpose) with
/// SplitMix64, so every random choice is fixed by the experiment seed and never by timing or placement.
/// </summary>
public static class SeedMixer
{
    public const ulong SamplingPurpose = 1;
    public const ulong FitPurpose = 2;
    public const ulong InitPurpose = 3;
    public const ulong PartitionPurpose = 4;
    public const ulong DropoutPurpose = 5;

    public static ulong Mix(ulong seed, params ReadOnlySpan<ulong> parts)
    {
        ulong h = SplitMix(seed);
        foreach (var p in parts)
        {
            h = SplitMix(h ^ SplitMix(p + 0x9E3779B97F4A7C15UL));
        }
        return h;
    }

    public static int ToInt32(ulong seed) => unchecked((int)(seed ^ (seed >> 32)));

    private static ulong SplitMix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
