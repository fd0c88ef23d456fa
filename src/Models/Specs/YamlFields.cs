using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace FedOrleans.Models.Specs;

/// <summary>
/// Reads typed fields out of one YAML mapping, collecting every error with its path instead of
/// stopping at the first, and reporting keys nobody asked for.
/// </summary>
internal sealed class YamlFields(YamlMappingNode? node, string path, List<SpecError> errors)
{

    public string PathOf(string key) => path.Length == 0 ? key : $"{path}.{key}";

    public bool Has(string key) => Find(key) is not null;

    public YamlFields Section(string key)
    {
        var child = Find(key);
        if (child is not null and not YamlMappingNode)
        {
            errors.Add(new SpecError(PathOf(key), "must be a mapping of settings"));
            child = null;
        }
        return new YamlFields(child as YamlMappingNode, PathOf(key), errors);
    }

    public string? String(string key, string? fallback, bool required = false)
    {
        var scalar = Scalar(key, required);
        return scalar?.Value ?? fallback;
    }

    public bool Bool(string key, bool fallback)
    {
        var scalar = Scalar(key, false);
        if (scalar?.Value is null)
        {
            return fallback;
        }
        if (!bool.TryParse(scalar.Value, out var v))
        {
            errors.Add(new SpecError(PathOf(key), $"'{scalar.Value}' is not a boolean; allowed: true, false"));
            return fallback;
        }
        return v;
    }

    public int Int(string key, int fallback, int min, int max, bool required = false)
    {
        var scalar = Scalar(key, required);
        if (scalar?.Value is null)
        {
            return fallback;
        }
        if (!int.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            errors.Add(new SpecError(PathOf(key), $"'{scalar.Value}' is not an integer; allowed: {min}..{max}"));
            return fallback;
        }
        if (v < min || v > max)
        {
            errors.Add(new SpecError(PathOf(key), $"{v} is out of range; allowed: {min}..{max}"));
        }
        return v;
    }

    public ulong ULong(string key, ulong fallback)
    {
        var scalar = Scalar(key, false);
        if (scalar?.Value is null)
        {
            return fallback;
        }
        if (!ulong.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            errors.Add(new SpecError(PathOf(key), $"'{scalar.Value}' is not a non-negative integer"));
            return fallback;
        }
        return v;
    }

    public double Double(string key, double fallback, double min, double max, bool minExclusive = false)
    {
        var scalar = Scalar(key, false);
        if (scalar?.Value is null)
        {
            return fallback;
        }
        if (!double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            errors.Add(new SpecError(PathOf(key), $"'{scalar.Value}' is not a number"));
            return fallback;
        }
        if ((minExclusive ? v <= min : v < min) || v > max)
        {
            var low = minExclusive ? $"greater than {min.ToString(CultureInfo.InvariantCulture)}" : $"at least {min.ToString(CultureInfo.InvariantCulture)}";
            errors.Add(new SpecError(PathOf(key), $"{v.ToString(CultureInfo.InvariantCulture)} is out of range; allowed: {low} and at most {max.ToString(CultureInfo.InvariantCulture)}"));
        }
        return v;
    }

    /// <summary>An enum written in kebab case (<c>fashion-mnist</c> for FashionMnist).</summary>
    public T Enum<T>(string key, T fallback, bool required = false) where T : struct, System.Enum
    {
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
        errors.Add(new SpecError(PathOf(key), $"'{scalar.Value}' is not allowed; allowed: {string.Join(", ", System.Enum.GetValues<T>().Select(EnumName))}"));
        return fallback;
    }

    public IReadOnlyList<int> IntList(string key, IReadOnlyList<int> fallback, int min, int max)
    {
        var node = Find(key);
        if (node is null)
        {
            return fallback;
        }
        if (node is not YamlSequenceNode sequence)
        {
            errors.Add(new SpecError(PathOf(key), $"must be a list of integers, e.g. [200, 200]"));
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
                errors.Add(new SpecError(itemPath, $"must be an integer in {min}..{max}"));
            }
        }
        return result;
    }

    /// <summary>A list of strings, e.g. <c>corpus: [brown, sotu]</c>; a single value is a one-element list.</summary>
    public IReadOnlyList<string> StringList(string key, IReadOnlyList<string> fallback)
    {
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
            errors.Add(new SpecError(PathOf(key), "must be a non-empty list of names, e.g. [brown, sotu]"));
            return fallback;
        }
        return items.Select(i => ((YamlScalarNode)i).Value!).ToList();
    }

    /// <summary>Reports every key of this mapping that no reader asked for.</summary>
    public void RejectUnknown(params string[] allowed)
    {
        if (node is null)
        {
            return;
        }
        foreach (var key in node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? ""))
        {
            if (!allowed.Contains(key))
            {
                errors.Add(new SpecError(PathOf(key), $"unknown key; allowed here: {string.Join(", ", allowed)}"));
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

    private YamlNode? Find(string key) =>
        node?.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;

    private YamlScalarNode? Scalar(string key, bool required)
    {
        var child = Find(key);
        if (child is null)
        {
            if (required)
            {
                errors.Add(new SpecError(PathOf(key), "is required"));
            }
            return null;
        }
        if (child is not YamlScalarNode scalar || string.IsNullOrEmpty(scalar.Value))
        {
            errors.Add(new SpecError(PathOf(key), "must be a single value"));
            return null;
        }
        return scalar;
    }
}
