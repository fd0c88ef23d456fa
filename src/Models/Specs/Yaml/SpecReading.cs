namespace FedOrleans.Models.Specs.Yaml;

/// <summary>
/// One reading of a spec document: the errors found, every mapping read (<see cref="YamlFields"/>) and every key asked
/// for, with its type, default and range. At the end <see cref="RejectUnasked"/> reports keys nobody asked for; the
/// keys asked are the spec's key table (<c>fedorleans spec keys</c>).
/// </summary>
public sealed class SpecReading(List<SpecError> errors)
{
    private readonly List<YamlFields> _sections = [];
    private readonly Dictionary<string, SpecKey> _keys = new(StringComparer.Ordinal);

    public List<SpecError> Errors { get; } = errors;

    /// <summary>Every key asked for, by path, in the order first asked.</summary>
    public IReadOnlyCollection<SpecKey> Keys => _keys.Values;

    internal void Add(YamlFields section) => _sections.Add(section);

    internal void Record(SpecKey key) => _keys.TryAdd(key.Path, key);

    /// <summary>Reports, in every mapping read, the keys that no reader asked for.</summary>
    public void RejectUnasked()
    {
        foreach (var section in _sections)
        {
            section.RejectUnasked();
        }
    }
}

/// <summary>One key of a spec: its path, its type, its default (or <c>(required)</c>) and what it allows.</summary>
public sealed record SpecKey(string Path, string Type, string Default, string Allowed);
