namespace FedOrleans.Models.Nn;

/// <summary>
/// A model architecture; <see cref="Hidden"/> is used by <see cref="ModelKind.Mlp"/> only. With an
/// <see cref="Adversarial"/> loss the CNN gains a discriminator (or MDD's auxiliary head) after its classifier.
/// <see cref="Dropout"/> (MLP and CNN without an adversarial loss): the probability of dropping each activation after
/// every hidden fully connected layer's ReLU while training (<see cref="SeededDropout"/>); 0 adds no dropout layer.
/// </summary>
public sealed record ModelSpec(ModelKind Kind, IReadOnlyList<int> Hidden, AdversarialLoss? Adversarial = null, double Dropout = 0)
{
    public static ModelSpec Logistic { get; } = new(ModelKind.Logistic, []);

    public override string ToString() => (Kind == ModelKind.Mlp ? $"mlp[{string.Join('-', Hidden)}]" : Kind.ToString().ToLowerInvariant())
        + (Adversarial is { } loss ? $"+{loss.ToString().ToLowerInvariant()}" : "")
        + (Dropout > 0 ? $"+dropout{Dropout.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "");
}
