namespace FedOrleans.Models.Data;

/// <summary>One package, pinned to a version.</summary>
public sealed record PackageSource(PackageRegistry Registry, string Package, string Version)
{
    public override string ToString() => Registry == PackageRegistry.Npm
        ? $"npm {Package}@{Version}"
        : $"Debian {Package} {Version}";
}
