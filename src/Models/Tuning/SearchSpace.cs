namespace FedOrleans.Models.Tuning;

/// <summary>A mixed search space: an ordered list of parameters and their encoding into the unit cube.</summary>
public sealed class SearchSpace
{
    public SearchSpace(IReadOnlyList<SearchParameter> parameters)
    {
        if (parameters.Count == 0)
        {
            throw new ArgumentException("a search space needs at least one parameter");
        }
        var duplicate = parameters.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"parameter '{duplicate.Key}' appears twice");
        }
        foreach (var p in parameters)
        {
            p.Validate();
        }
        Parameters = parameters;
        Dimension = parameters.Sum(p => p.Width);
    }

    public IReadOnlyList<SearchParameter> Parameters { get; }

    /// <summary>Coordinates in the unit cube (categoricals count once per choice).</summary>
    public int Dimension { get; }

    public double[] Encode(Configuration configuration)
    {
        var unit = new double[Dimension];
        int offset = 0;
        for (int i = 0; i < Parameters.Count; i++)
        {
            Parameters[i].Encode(configuration.Values[i], unit.AsSpan(offset, Parameters[i].Width));
            offset += Parameters[i].Width;
        }
        return unit;
    }

    public Configuration Decode(ReadOnlySpan<double> unit)
    {
        var values = new double[Parameters.Count];
        int offset = 0;
        for (int i = 0; i < Parameters.Count; i++)
        {
            values[i] = Parameters[i].Decode(unit.Slice(offset, Parameters[i].Width));
            offset += Parameters[i].Width;
        }
        return new Configuration(values);
    }

    /// <summary>A uniformly random configuration (log-uniform parameters uniform in log space).</summary>
    public Configuration Sample(Random random)
    {
        var unit = new double[Dimension];
        for (int i = 0; i < unit.Length; i++)
        {
            unit[i] = random.NextDouble();
        }
        return Decode(unit);
    }

    /// <summary>"name=value" pairs, e.g. <c>lr=0.01, hidden=16, activation=relu</c>.</summary>
    public string Describe(Configuration configuration) =>
        string.Join(", ", Parameters.Select((p, i) => $"{p.Name}={p.Format(configuration.Values[i])}"));

    public SearchParameter this[string name] => Parameters.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException($"no parameter '{name}' in the search space");

    public int IndexOf(string name) => Parameters.ToList().FindIndex(p => p.Name == name);
}
