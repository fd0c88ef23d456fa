namespace FedOrleans.Models.Nn;

/// <summary>
/// A two-layer graph model split as ASFGNN does (papers.md 4.4): the message-passing part θ (layer 1 and
/// both propagation steps) and the loss-computing part φ (the classifier on the node embeddings).
/// For <see cref="GnnKind.Gcn"/> the whole is exactly Kipf and Welling's GCN, Â ReLU(Â X W1 + b1) W2 + b2,
/// with θ = (W1, b1) and φ = (W2, b2), because Â (H W2) = (Â H) W2.
/// </summary>
public sealed record GnnSpec(
    GnnKind Kind = GnnKind.Gcn,
    int Hidden = 16,
    double Dropout = 0.5,
    GnnActivation Activation = GnnActivation.Relu);
