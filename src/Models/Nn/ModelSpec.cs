namespace FedOrleans.Models.Nn;

/// <summary>A model architecture; <see cref="Hidden"/> is used by <see cref="ModelKind.Mlp"/> only.</summary>
public sealed record ModelSpec(ModelKind Kind, IReadOnlyList<int> Hidden)
{
    public static ModelSpec Logistic { get; } = new(ModelKind.Logistic, []);

    public override string ToString() => Kind == ModelKind.Mlp ? $"mlp[{string.Join('-', Hidden)}]" : Kind.ToString().ToLowerInvariant();
}
