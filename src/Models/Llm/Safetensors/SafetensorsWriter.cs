using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm.Safetensors;

/// <summary>
/// Writes safetensors files that other tools read: the 8-byte little-endian header length, the JSON header
/// padded with spaces to a multiple of 8 bytes (so the data section is aligned), then the tensors back to
/// back in header order. Floating-point tensors are stored as F32, F16 or BF16 (round to nearest even).
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (name, tensor) to <paramref name="path"/>, through a temporary file
    /// that replaces the target only when complete.
    /// </summary>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors,
        SafetensorsDType dtype = SafetensorsDType.F32, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (dtype is not (SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16))
        {
            throw new ArgumentException($"weights are written as F32, F16 or BF16, not {dtype}", nameof(dtype));
        }
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata)
            {
                meta[key] = value;
            }
            header["__metadata__"] = meta;
        }
        long offset = 0;
        int elementSize = SafetensorsEntry.ElementSize(dtype);
        foreach (var (name, tensor) in tensors)
        {
            long bytes = tensor.numel() * elementSize;
            header[name] = new JsonObject
            {
                ["dtype"] = dtype.ToString(),
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;

        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++)
            {
                stream.WriteByte((byte)' ');
            }
            foreach (var (_, tensor) in tensors)
            {
                WriteData(stream, tensor, dtype);
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static void WriteData(Stream stream, Tensor tensor, SafetensorsDType dtype)
    {
        using var scope = NewDisposeScope();
        var values = tensor.detach().to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        switch (dtype)
        {
            case SafetensorsDType.F32:
                stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                break;
            case SafetensorsDType.F16:
                var halves = new Half[values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    halves[i] = (Half)values[i];
                }
                stream.Write(MemoryMarshal.AsBytes(halves.AsSpan()));
                break;
            default:
                var bf16 = new ushort[values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    bf16[i] = ToBFloat16(values[i]);
                }
                stream.Write(MemoryMarshal.AsBytes(bf16.AsSpan()));
                break;
        }
    }

    /// <summary>float32 to bfloat16 bits, rounding to nearest even (NaN stays a quiet NaN).</summary>
    internal static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40);
        }
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }
}
