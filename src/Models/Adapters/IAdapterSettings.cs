namespace FedOrleans.Models.Adapters;

/// <summary>The settings of one adapter kind: they validate themselves, build adapters and count their parameters.</summary>
public interface IAdapterSettings
{
    /// <summary>A new adapter for a linear <paramref name="inFeatures"/> → <paramref name="outFeatures"/>, every draw from <paramref name="seed"/>.</summary>
    LinearAdapter Create(int inFeatures, int outFeatures, ulong seed);

    /// <summary>The exact number of trainable parameters of one such adapter.</summary>
    long ParameterCount(int inFeatures, int outFeatures);

    /// <summary>A short label for logs and result tables (e.g. <c>S'MoRE 4-4 switch r=8,8</c>).</summary>
    string Describe();
}
