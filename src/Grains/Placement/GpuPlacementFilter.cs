using FedOrleans.Contracts;
using Orleans.Metadata;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace FedOrleans.Grains.Placement;

/// <summary>Places a grain class only on silos that advertise a GPU (silo metadata <see cref="FedOrleansNames.DeviceMetadata"/> = <c>cuda</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class GpuPlacementFilterAttribute() : PlacementFilterAttribute(new GpuPlacementFilterStrategy());

/// <summary>The strategy behind <see cref="GpuPlacementFilterAttribute"/>; it has no settings of its own.</summary>
public sealed class GpuPlacementFilterStrategy() : PlacementFilterStrategy(order: 0);

/// <summary>
/// Keeps the silos whose metadata says <c>cuda</c>. When none is left, placement fails; the experiment
/// grain checks <see cref="GpuSilos"/> before it creates GPU clients, so users see a clear error instead.
/// </summary>
public sealed class GpuPlacementFilterDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos) =>
        silos.Where(silo => GpuSilos.IsGpu(metadata.GetSiloMetadata(silo)));
}

/// <summary>Which active silos of the cluster advertise a GPU, from Orleans' membership and silo metadata.</summary>
public sealed class GpuSilos(IClusterMembershipService membership, ISiloMetadataCache metadata)
{
    public const string Cuda = "cuda";

    public IReadOnlyList<SiloAddress> Active() =>
        membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && IsGpu(metadata.GetSiloMetadata(m.SiloAddress)))
            .Select(m => m.SiloAddress)
            .OrderBy(s => s.ToString(), StringComparer.Ordinal)
            .ToList();

    internal static bool IsGpu(SiloMetadata silo) =>
        silo.Metadata.TryGetValue(FedOrleansNames.DeviceMetadata, out var device) && device == Cuda;
}
