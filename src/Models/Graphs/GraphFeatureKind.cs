namespace FedOrleans.Models.Graphs;

/// <summary>
/// Node features. graph-tool's networks and the karate club have none, so one is chosen: <see cref="Identity"/>
/// (one-hot node id, Kipf and Welling's featureless setting: the first layer learns one embedding per node)
/// or <see cref="Degree"/> (structural: a one-hot of floor(log2(1 + degree)), 16 buckets, plus a constant).
/// </summary>
public enum GraphFeatureKind
{
    /// <summary>The data's own features (Cora's bag of words); <see cref="Identity"/> for graphs without any.</summary>
    Native,

    Identity,

    Degree,
}
