using System.Globalization;

namespace FedOrleans.Models.Tuning;

/// <summary>
/// One dimension of a search space. The surrogate sees every parameter in [0, 1]: reals and integers as one
/// coordinate (log-scaled for <see cref="ParameterKind.LogUniform"/>), categoricals as one coordinate per choice
/// (one-hot). Decoding rounds integers and takes the largest coordinate of a categorical block, so decoding then
/// encoding projects any point of the unit cube onto a valid configuration.
/// </summary>
public sealed record SearchParameter(string Name, ParameterKind Kind, double Low = 0, double High = 1, IReadOnlyList<string>? Choices = null)
{
    public static SearchParameter LogUniform(string name, double low, double high) => new(name, ParameterKind.LogUniform, low, high);

    public static SearchParameter Uniform(string name, double low, double high) => new(name, ParameterKind.Uniform, low, high);

    public static SearchParameter Integer(string name, int low, int high) => new(name, ParameterKind.Integer, low, high);

    public static SearchParameter Categorical(string name, params string[] choices) => new(name, ParameterKind.Categorical, 0, choices.Length - 1, choices);

    /// <summary>Coordinates this parameter takes in the unit cube.</summary>
    public int Width => Kind == ParameterKind.Categorical ? Choices!.Count : 1;

    /// <summary>Throws when the bounds or choices make no sense; the message names the parameter.</summary>
    public void Validate()
    {
        switch (Kind)
        {
            case ParameterKind.Categorical when Choices is null || Choices.Count < 1:
                throw new ArgumentException($"{Name}: a categorical parameter needs at least one choice");
            case ParameterKind.LogUniform when !(Low > 0 && High > Low):
                throw new ArgumentException($"{Name}: log-uniform needs 0 < low < high, got [{Low}, {High}]");
            case ParameterKind.Uniform or ParameterKind.Integer when !(High >= Low):
                throw new ArgumentException($"{Name}: needs low <= high, got [{Low}, {High}]");
            case ParameterKind.Integer when Low != Math.Floor(Low) || High != Math.Floor(High):
                throw new ArgumentException($"{Name}: integer bounds must be whole numbers, got [{Low}, {High}]");
        }
    }

    /// <summary>The value (a real, an integer, or a choice index) at unit coordinates <paramref name="unit"/> (length <see cref="Width"/>).</summary>
    public double Decode(ReadOnlySpan<double> unit)
    {
        switch (Kind)
        {
            case ParameterKind.Categorical:
                int best = 0;
                for (int i = 1; i < unit.Length; i++)
                {
                    if (unit[i] > unit[best])
                    {
                        best = i;
                    }
                }
                return best;
            case ParameterKind.LogUniform:
                return Math.Exp(Math.Log(Low) + Math.Clamp(unit[0], 0, 1) * (Math.Log(High) - Math.Log(Low)));
            case ParameterKind.Integer:
                return Math.Clamp(Math.Round(Low + Math.Clamp(unit[0], 0, 1) * (High - Low + 1) - 0.5), Low, High);
            default:
                return Low + Math.Clamp(unit[0], 0, 1) * (High - Low);
        }
    }

    /// <summary>The unit coordinates of <paramref name="value"/> (written into <paramref name="unit"/>).</summary>
    public void Encode(double value, Span<double> unit)
    {
        switch (Kind)
        {
            case ParameterKind.Categorical:
                unit.Clear();
                unit[(int)value] = 1;
                break;
            case ParameterKind.LogUniform:
                unit[0] = (Math.Log(value) - Math.Log(Low)) / (Math.Log(High) - Math.Log(Low));
                break;
            case ParameterKind.Integer:
                unit[0] = (value - Low + 0.5) / (High - Low + 1);
                break;
            default:
                unit[0] = High == Low ? 0.5 : (value - Low) / (High - Low);
                break;
        }
    }

    /// <summary>The value as text: a choice's name, an integer, or a real with 4 significant digits.</summary>
    public string Format(double value) => Kind switch
    {
        ParameterKind.Categorical => Choices![(int)value],
        ParameterKind.Integer => ((long)value).ToString(CultureInfo.InvariantCulture),
        _ => value.ToString("G4", CultureInfo.InvariantCulture),
    };
}
