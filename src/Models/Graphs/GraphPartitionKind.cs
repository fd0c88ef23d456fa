namespace FedOrleans.Models.Graphs;

/// <summary>How a graph's nodes are split over clients.</summary>
public enum GraphPartitionKind
{
    /// <summary>Shuffle the nodes, then equal parts.</summary>
    Random,

    /// <summary>Per class, client shares drawn from Dirichlet(alpha): label skew (the image partitioner's rule, on node labels).</summary>
    Dirichlet,

    /// <summary>
    /// Communities found by seeded asynchronous label propagation (Raghavan et al. 2007) are dealt,
    /// largest first, to the client with the fewest nodes: clients hold whole dense regions, as
    /// institutions holding their own subgraph would (a METIS-free stand-in for Louvain/METIS splits).
    /// </summary>
    Community,

    /// <summary>The data's own groups (polblogs' <c>source</c> directory), dealt largest first to the client with the fewest nodes.</summary>
    Natural,
}
