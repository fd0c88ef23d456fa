namespace FedOrleans.Models.Specs.Yaml;

/// <summary>One problem in a spec: the YAML path (e.g. <c>federation.alpha</c>) and what is wrong or allowed.</summary>
public sealed record SpecError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
