namespace FedOrleans.Models.Federated;

/// <summary>A simulated client's index within its experiment (0-based).</summary>
public readonly record struct ClientId(int Index) : IComparable<ClientId>
{
    public int CompareTo(ClientId other) => Index.CompareTo(other.Index);

    public override string ToString() => Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
