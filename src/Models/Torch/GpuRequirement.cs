namespace FedOrleans.Models.Torch;

/// <summary>
/// Whether an experiment's client training must run on GPU silos (spec key <c>gpu</c>): <c>none</c> (any
/// silo), <c>preferred</c> (GPU silos when the cluster has any, otherwise all silos) or <c>required</c>
/// (GPU silos only; starting fails with a clear error on a cluster without one).
/// </summary>
public enum GpuRequirement
{
    None,
    Preferred,
    Required,
}
