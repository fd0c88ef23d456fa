using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FedOrleans.Models.Federated;

/// <summary>
/// A flat float32 weight vector, immutable by convention (never change <see cref="Values"/> after
/// construction). On the wire it is raw little-endian bytes.
/// </summary>
public sealed class ModelWeights(float[] values)
{
    public float[] Values { get; } = values;

    public int Length => Values.Length;

    public static ModelWeights FromBytes(byte[] bytes)
    {
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new ArgumentException($"a weight payload of {bytes.Length} bytes is not a whole number of float32 values");
        }
        return new ModelWeights(MemoryMarshal.Cast<byte, float>(bytes).ToArray());
    }

    public byte[] ToBytes() => MemoryMarshal.AsBytes(Values.AsSpan()).ToArray();

    private int _finite; // 0 unknown, 1 finite, -1 not: the values never change, so they are scanned once

    /// <summary>False when any value is NaN or infinite (a diverged client); such an update is a failure, never averaged in.</summary>
    public bool IsFinite()
    {
        if (_finite == 0)
        {
            _finite = AllFinite(Values) ? 1 : -1;
        }
        return _finite > 0;
    }

    private static bool AllFinite(float[] values)
    {
        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>SHA-256 of the little-endian bytes, lower-case hex: equal hashes mean bit-identical weights.</summary>
    public string Sha256() => Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(Values.AsSpan())));
}
