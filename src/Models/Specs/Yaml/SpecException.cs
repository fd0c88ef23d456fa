namespace FedOrleans.Models.Specs.Yaml;

/// <summary>A spec has errors; <see cref="Errors"/> lists all of them, each with its YAML path.</summary>
public sealed class SpecException(string source, IReadOnlyList<SpecError> errors)
    : Exception($"{source}: {errors.Count} error(s) in the spec:\n" + string.Join('\n', errors.Select(e => "  " + e)))
{
    public IReadOnlyList<SpecError> Errors { get; } = errors;
}
