using FedOrleans.Models.Data;
using FedOrleans.Models.Nn;

namespace FedOrleans.Models.Specs;

/// <summary>
/// Federated adversarial domain adaptation: the spec's <c>dataset</c> is the labelled source domain,
/// <see cref="Target"/> the target domain, held unlabelled by <see cref="TargetClients"/> extra clients
/// (an IID split of its training set); accuracy is measured on the target's test set.
/// Defaults are the official FedMM code's (papers.md section 3.4).
/// </summary>
public sealed record AdaptationSpec(
    DatasetName Target,
    int TargetClients,
    AdversarialLoss Loss = AdversarialLoss.Dann,
    double Coefficient = 1.0,
    double Mu = 2.0,
    double DualDecay = 1.05,
    double DecayEvery = 100);
