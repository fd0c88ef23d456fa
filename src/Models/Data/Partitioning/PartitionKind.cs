namespace FedOrleans.Models.Data.Partitioning;

/// <summary>How samples are split over clients.</summary>
public enum PartitionKind
{
    /// <summary>Shuffle, then equal parts.</summary>
    Iid,

    /// <summary>Per class, client proportions drawn from Dirichlet(alpha); small alpha means strong label skew.</summary>
    Dirichlet,

    /// <summary>Each client holds exactly k classes; a class's samples are split evenly among its holders.</summary>
    Pathological,

    /// <summary>McMahan et al.: sort by label, cut into equal shards, deal each client a number of shards.</summary>
    Shards,
}
