using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Nn;

/// <summary>
/// The FedMM paper's CNN with a domain-adversarial part (papers.md section 3.4): a feature extractor
/// and label classifier (the min player, omega) and a discriminator (the max player, psi).
/// DANN's discriminator reads the features (FC 100, ReLU, FC 2); CDAN's reads the flattened outer
/// product softmax(logits) x features; MDD's "discriminator" is an auxiliary classifier with the label
/// head's architecture. Parameter order: features, classifier, discriminator.
/// <c>forward</c> is the classifier path, so evaluation treats it like any classification model.
/// </summary>
public sealed class AdversarialNet : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> features;
    private readonly nn.Module<Tensor, Tensor> classifier;
    private readonly nn.Module<Tensor, Tensor> discriminator;

    public AdversarialNet(InputShape shape, AdversarialLoss loss) : base(nameof(AdversarialNet))
    {
        Loss = loss;
        int f = ModelFactory.CnnFeatureCount(shape);
        features = ModelFactory.CnnFeatures(shape);
        classifier = ModelFactory.CnnHead(f, shape.NumClasses);
        discriminator = loss switch
        {
            AdversarialLoss.Dann => new LayerStack(("fc1", nn.Linear(f, 100)), ("relu1", nn.ReLU()), ("out", nn.Linear(100, 2))),
            AdversarialLoss.Cdan => new LayerStack(("fc1", nn.Linear((long)f * shape.NumClasses, 100)), ("relu1", nn.ReLU()), ("out", nn.Linear(100, 2))),
            AdversarialLoss.Mdd => ModelFactory.CnnHead(f, shape.NumClasses),
            _ => throw new ArgumentOutOfRangeException(nameof(loss)),
        };
        RegisterComponents();
    }

    public AdversarialLoss Loss { get; }

    public override Tensor forward(Tensor input) => classifier.call(features.call(input));

    public Tensor Features(Tensor input) => features.call(input);

    public Tensor Classify(Tensor features) => classifier.call(features);

    public Tensor Discriminate(Tensor input) => discriminator.call(input);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            features.Dispose();
            classifier.Dispose();
            discriminator.Dispose();
        }
        base.Dispose(disposing);
        if (disposing)
        {
            TorchModules.ReleaseNative(this);
        }
    }
}
