using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace FedOrleans.Models.Specs.Yaml;

/// <summary>
/// Reads typed fields out of one YAML mapping, collecting every error with its path instead of stopping at the first.
/// Each key is named once, where it is read: every read records the key (and its type, default and range, for the
/// listing of <see cref="SpecReading.Keys"/>), and at the end <see cref="SpecReading.RejectUnasked"/> reports the keys
/// of every mapping that no reader asked for.
/// </summary>
internal sealed class YamlFields
{
    private readonly YamlMappingNode? _node;
    private readonly string _path;
    private readonly SpecReading _reading;
    private readonly List<SpecError> _errors;
    private readonly HashSet<string> _asked = new(StringComparer.Ordinal);

    /// <summary>The top-level mapping of a document; its sections share its <see cref="SpecReading"/>.</summary>
    public YamlFields(YamlMappingNode? node, SpecReading reading)
        : this(node, "", reading)
    {
    }

    /// <summary>A mapping at <paramref name="path"/> read on its own (a study's search-space entries).</summary>
    public YamlFields(YamlMappingNode? node, string path, SpecReading reading)
    {
        _node = node;
        _path = path;
        _reading = reading;
        _errors = reading.Errors;
        reading.Add(this);
    }

    public string PathOf(string key) => _path.Length == 0 ? key : $"{_path}.{key}";

    /// <summary>Whether the key is present (it counts as asked for: the caller decides what it means).</summary>
    public bool Has(string key)
    {
        _asked.Add(key);
        return Find(key) is not null;
    }

    /// <summary>
    /// Accepts keys this reading does not use but another variant of the same section does (another adapter kind's
    /// settings): they are not reported as unknown. Their types and ranges are checked where a variant reads them.
    /// </summary>
    public void Tolerate(params string[] keys) => _asked.UnionWith(keys);

    public YamlFields Section(string key)
    {
        Ask(key, "section", "", "");
        var child = Find(key);
        if (child is not null and not YamlMappingNode)
        {
            _errors.Add(new SpecError(PathOf(key), "must be a mapping of settings"));
            child = null;
        }
        return new YamlFields(child as YamlMappingNode, PathOf(key), _reading);
    }

    public string? String(string key, string? fallback, bool required = false)
    {
        Ask(key, "text", required ? "(required)" : fallback ?? "", "");
        var scalar = Scalar(key, required);
        return scalar?.Value ?? fallback;
    }

    public bool Bool(string key, bool fallback)
    {
        Ask(key, "boolean", fallback ? "true" : "false", "true, false");
        var scalar = Scalar(key, false);
        if (scalar?.Value is null)
        {
            return fallback;
        }
        if (!bool.TryParse(scalar.Value, out var v))
        {
            _errors.Add(new SpecError(PathOf(key), $"'{scalar.Value}' is not a boolean; allowed: true, false"));
            return fallback;
        }
        return v;
    }

    public int Int(string key, int fallback, int min, int max, bool required = false)
    {
        Ask(key, "integer", required ? "(required)" : Invariant(fallback), $"{Invariant(min)}..{Invariant(max)}");
        var scalar = Scalar(key, required);
        if (scalar?.Value is null)
        {
            return fallback;
        }
        if (!int.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            _errors.Add(new SpecError(PathOf(key), $"'{scalar.Value}' is not an integer; allowed: {min}..{max}"));
            return fallback;
        }
        if (v < min || v > max)
        {
            _errors.Add(new SpecError(PathOf(key), $"{v} is out of range; allowed: {min}..{max}"));
        }
        return v;
    }

    public ulong ULong(string key, ulong fallback)
    {
        Ask(key, "integer", Invariant(fallback), ">= 0");
        var scalar = Scalar(key, false);
        if (scalar?.Value is null)
        {
            return fallback;
        }
        if (!ulong.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            _errors.Add(new SpecError(PathOf(key), $"'{scalar.Value}' is not a non-negative integer"));
            return fallback;
        }
        return v;
    }

    public double Double(string key, double fallback, double min, double max, bool minExclusive = false)
    {
        Ask(key, "number", Invariant(fallback), $"{(minExclusive ? "(" : "[")}{Invariant(min)}, {Invariant(max)}]");
        var scalar = Scalar(key, false);
        if (scalar?.Value is null)
        {
            return fallback;
        }
        if (!double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            _errors.Add(new SpecError(PathOf(key), $"'{scalar.Value}' is not a number"));
            return fallback;
        }
        if ((minExclusive ? v <= min : v < min) || v > max)
        {
            var low = minExclusive ? $"greater than {min.ToString(CultureInfo.InvariantCulture)}" : $"at least {min.ToString(CultureInfo.InvariantCulture)}";
            _errors.Add(new SpecError(PathOf(key), $"{v.ToString(CultureInfo.InvariantCulture)} is out of range; allowed: {low} and at most {max.ToString(CultureInfo.InvariantCulture)}"));
        }
        return v;
    }

    /// <summary>An enum written in kebab case (<c>fashion-mnist</c> for FashionMnist).</summary>
    public T Enum<T>(string key, T fallback, bool required = false) where T : struct, System.Enum
    {
        Ask(key, "choice", required ? "(required)" : EnumName(fallback), string.Join(", ", System.Enum.GetValues<T>().Select(EnumName)));
        var scalar = Scalar(key, required);
        if (scalar?.Value is null)
        {
            return fallback;
        }
        foreach (var value in System.Enum.GetValues<T>())
        {
            if (string.Equals(EnumName(value), scalar.Value, StringComparison.OrdinalIgnoreCase)
                || string.Equals(value.ToString(), scalar.Value, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        _errors.Add(new SpecError(PathOf(key), $"'{scalar.Value}' is not allowed; allowed: {string.Join(", ", System.Enum.GetValues<T>().Select(EnumName))}"));
        return fallback;
    }

    public IReadOnlyList<int> IntList(string key, IReadOnlyList<int> fallback, int min, int max)
    {
        Ask(key, "list of integers", $"[{string.Join(", ", fallback)}]", $"{Invariant(min)}..{Invariant(max)} each");
        var node = Find(key);
        if (node is null)
        {
            return fallback;
        }
        if (node is not YamlSequenceNode sequence)
        {
            _errors.Add(new SpecError(PathOf(key), $"must be a list of integers, e.g. [200, 200]"));
            return fallback;
        }
        var result = new List<int>();
        int i = 0;
        foreach (var item in sequence)
        {
            var itemPath = $"{PathOf(key)}[{i++}]";
            if (item is YamlScalarNode s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max)
            {
                result.Add(v);
            }
            else
            {
                _errors.Add(new SpecError(itemPath, $"must be an integer in {min}..{max}"));
            }
        }
        return result;
    }

    /// <summary>A list of strings, e.g. <c>corpus: [brown, sotu]</c>; a single value is a one-element list.</summary>
    public IReadOnlyList<string> StringList(string key, IReadOnlyList<string> fallback)
    {
        Ask(key, "list of names", $"[{string.Join(", ", fallback)}]", "");
        var node = Find(key);
        if (node is null)
        {
            return fallback;
        }
        var items = node switch
        {
            YamlSequenceNode sequence => sequence.Children.ToList(),
            YamlScalarNode scalar => [scalar],
            _ => [],
        };
        if (items.Count == 0 || items.Any(i => i is not YamlScalarNode { Value.Length: > 0 }))
        {
            _errors.Add(new SpecError(PathOf(key), "must be a non-empty list of names, e.g. [brown, sotu]"));
            return fallback;
        }
        return items.Select(i => ((YamlScalarNode)i).Value!).ToList();
    }

    /// <summary>Reports every key of this mapping that no reader asked for (<see cref="SpecReading.RejectUnasked"/> calls it at the end).</summary>
    internal void RejectUnasked()
    {
        if (_node is null)
        {
            return;
        }
        foreach (var key in _node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? ""))
        {
            if (!_asked.Contains(key))
            {
                _errors.Add(new SpecError(PathOf(key), $"unknown key; allowed here: {string.Join(", ", _asked.Order(StringComparer.Ordinal))}"));
            }
        }
    }

    /// <summary>The spec spelling of an enum value: kebab case (FashionMnist: fashion-mnist), strategies as their papers write them.</summary>
    public static string EnumName<T>(T value) where T : struct, System.Enum
    {
        if (value is Federated.StrategyKind strategy)
        {
            return strategy switch
            {
                Federated.StrategyKind.FedAvgGda => "fedavg-gda",
                Federated.StrategyKind.FedProxGda => "fedprox-gda",
                Federated.StrategyKind.LocalOnly => "local-only",
                _ => strategy.ToString().ToLowerInvariant(),
            };
        }
        var name = value.ToString();
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && char.IsLower(name[i - 1]))
            {
                sb.Append('-');
            }
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }

    private void Ask(string key, string type, string fallback, string allowed)
    {
        _asked.Add(key);
        _reading.Record(new SpecKey(PathOf(key), type, fallback, allowed));
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private YamlNode? Find(string key) =>
        _node?.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;

    private YamlScalarNode? Scalar(string key, bool required)
    {
        var child = Find(key);
        if (child is null)
        {
            if (required)
            {
                _errors.Add(new SpecError(PathOf(key), "is required"));
            }
            return null;
        }
        if (child is not YamlScalarNode scalar || string.IsNullOrEmpty(scalar.Value))
        {
            _errors.Add(new SpecError(PathOf(key), "must be a single value"));
            return null;
        }
        return scalar;
    }
}
