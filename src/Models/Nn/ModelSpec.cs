namespace FedOrleans.Models.Nn;

/// <summary>
/// A model architecture; <see cref="Hidden"/> is used by <see cref="ModelKind.Mlp"/> only. With an
/// <see cref="Adversarial"/> loss the CNN gains a discriminator (or MDD's auxiliary head) after its classifier.
/// </summary>
public sealed record ModelSpec(ModelKind Kind, IReadOnlyList<int> Hidden, AdversarialLoss? Adversarial = null)
{
    public static ModelSpec Logistic { get; } = new(ModelKind.Logistic, []);

    public override string ToString() => (Kind == ModelKind.Mlp ? $"mlp[{string.Join('-', Hidden)}]" : Kind.ToString().ToLowerInvariant())
        + (Adversarial is { } loss ? $"+{loss.ToString().ToLowerInvariant()}" : "");
}
