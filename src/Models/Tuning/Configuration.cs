using System.Globalization;

namespace FedOrleans.Models.Tuning;

/// <summary>One point of a search space: a value per parameter, in the space's order (a choice's index for categoricals). Compared by value.</summary>
public sealed record Configuration(IReadOnlyList<double> Values)
{
    public bool Equals(Configuration? other) => other is not null && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => Values.Aggregate(17, (h, v) => HashCode.Combine(h, v));

    public override string ToString() => string.Join(",", Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
