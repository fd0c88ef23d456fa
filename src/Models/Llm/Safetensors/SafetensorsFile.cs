using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FedOrleans.Models.Llm.Safetensors;

/// <summary>
/// Reads a safetensors file: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON
/// (<c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}</c>),
/// then the raw little-endian tensor data. <see cref="Open"/> checks the whole layout before any tensor is
/// read (lengths, offsets against dtype x shape, overlaps, the file really holding every byte) and throws a
/// <see cref="CheckpointException"/> naming the file and the problem. Tensors are read one at a time.
/// </summary>
public sealed class SafetensorsFile
{
    /// <summary>The format's own limit on the JSON header (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private SafetensorsFile(string path, long dataStart, IReadOnlyDictionary<string, SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        DataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    public string Path { get; }

    /// <summary>Offset of the data section in the file (8 + header length).</summary>
    public long DataStart { get; }

    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointException(path, "no such file");
        }
        using var stream = File.OpenRead(path);
        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw new CheckpointException(path, $"the file is {fileLength} bytes, too short for the 8-byte header length that starts a safetensors file (truncated?)");
        }
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength == 0 || headerLength > MaxHeaderBytes)
        {
            throw new CheckpointException(path, $"the header length is {headerLength} bytes, outside (0, {MaxHeaderBytes}]: not a safetensors file, or a corrupt one");
        }
        if (8 + (long)headerLength > fileLength)
        {
            throw new CheckpointException(path, $"the JSON header claims {headerLength} bytes but only {fileLength - 8} follow the length field: the file is truncated");
        }
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        JsonObject header;
        try
        {
            header = JsonNode.Parse(Encoding.UTF8.GetString(headerBytes)) as JsonObject
                ?? throw new CheckpointException(path, "the JSON header is not an object");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"the JSON header is not valid JSON ({e.Message})");
        }

        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;
        var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in header)
        {
            if (name == MetadataKey)
            {
                if (node is JsonObject meta)
                {
                    foreach (var (key, value) in meta)
                    {
                        metadata[key] = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value?.ToJsonString() ?? "";
                    }
                }
                continue;
            }
            entries[name] = ParseEntry(path, name, node);
        }

        long covered = 0;
        foreach (var entry in entries.Values.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin < covered && entry.End > entry.Begin)
            {
                throw new CheckpointException(path, $"tensor \"{entry.Name}\" (bytes [{entry.Begin}, {entry.End})) overlaps the tensor before it (which ends at {covered})");
            }
            covered = Math.Max(covered, entry.End);
        }
        if (covered > dataLength)
        {
            var last = entries.Values.Where(e => e.End > dataLength).OrderBy(e => e.Begin).First();
            throw new CheckpointException(path,
                $"the file is truncated: tensor \"{last.Name}\" needs bytes [{last.Begin}, {last.End}) of the data section, which holds only {dataLength} bytes " +
                $"(the file is {fileLength} bytes, the header promises {dataStart + covered})");
        }
        return new SafetensorsFile(path, dataStart, entries, metadata);
    }

    /// <summary>The tensor's values converted to float32 (from F32, F16, BF16 or F64), in row-major order.</summary>
    public float[] ReadFloats(string name)
    {
        if (!Entries.TryGetValue(name, out var entry))
        {
            throw new CheckpointException(Path, $"no tensor named \"{name}\"");
        }
        long count = entry.ElementCount;
        if (count > Array.MaxLength)
        {
            throw new CheckpointException(Path, $"tensor \"{name}\" has {count} elements, more than one .NET array holds");
        }
        var result = new float[count];
        using var stream = File.OpenRead(Path);
        stream.Seek(DataStart + entry.Begin, SeekOrigin.Begin);
        int elementSize = SafetensorsEntry.ElementSize(entry.DType);
        const int ChunkElements = 1 << 20;
        var buffer = new byte[(long)Math.Min(count, ChunkElements) * elementSize];
        for (long done = 0; done < count;)
        {
            int n = (int)Math.Min(ChunkElements, count - done);
            var bytes = buffer.AsSpan(0, n * elementSize);
            try
            {
                stream.ReadExactly(bytes);
            }
            catch (EndOfStreamException)
            {
                throw new CheckpointException(Path, $"the file ended while reading tensor \"{name}\" (it changed after it was opened?)");
            }
            Decode(entry.DType, bytes, result.AsSpan((int)done, n), name);
            done += n;
        }
        return result;
    }

    private void Decode(SafetensorsDType dtype, ReadOnlySpan<byte> bytes, Span<float> target, string name)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(target);
                break;
            case SafetensorsDType.F16:
                var halves = MemoryMarshal.Cast<byte, Half>(bytes);
                for (int i = 0; i < target.Length; i++)
                {
                    target[i] = (float)halves[i];
                }
                break;
            case SafetensorsDType.BF16:
                var raw = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (int i = 0; i < target.Length; i++)
                {
                    target[i] = BitConverter.Int32BitsToSingle(raw[i] << 16);
                }
                break;
            case SafetensorsDType.F64:
                var doubles = MemoryMarshal.Cast<byte, double>(bytes);
                for (int i = 0; i < target.Length; i++)
                {
                    target[i] = (float)doubles[i];
                }
                break;
            default:
                throw new CheckpointException(Path, $"tensor \"{name}\" is {dtype}; only floating-point tensors (F32, F16, BF16, F64) are read as weights");
        }
    }

    private static SafetensorsEntry ParseEntry(string path, string name, JsonNode? node)
    {
        if (node is not JsonObject o)
        {
            throw new CheckpointException(path, $"header entry \"{name}\" is not an object");
        }
        var dtypeText = o["dtype"]?.GetValueKind() == JsonValueKind.String ? o["dtype"]!.GetValue<string>() : null;
        if (dtypeText is null || !Enum.TryParse<SafetensorsDType>(dtypeText, ignoreCase: false, out var dtype) || !Enum.IsDefined(dtype))
        {
            throw new CheckpointException(path, $"tensor \"{name}\" has dtype {o["dtype"]?.ToJsonString() ?? "(missing)"}; known: {string.Join(", ", Enum.GetNames<SafetensorsDType>())}");
        }
        var shape = ReadLongs(path, name, o["shape"], "shape");
        var offsets = ReadLongs(path, name, o["data_offsets"], "data_offsets");
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
        {
            throw new CheckpointException(path, $"tensor \"{name}\" has data_offsets [{string.Join(", ", offsets)}]; expected [begin, end] with 0 <= begin <= end");
        }
        if (shape.Any(d => d < 0))
        {
            throw new CheckpointException(path, $"tensor \"{name}\" has a negative dimension in shape [{string.Join(", ", shape)}]");
        }
        var entry = new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
        long expectedBytes = entry.ElementCount * SafetensorsEntry.ElementSize(dtype);
        if (offsets[1] - offsets[0] != expectedBytes)
        {
            throw new CheckpointException(path, $"tensor \"{name}\" ({dtype} [{string.Join(", ", shape)}]) needs {expectedBytes} bytes but data_offsets span {offsets[1] - offsets[0]}");
        }
        return entry;
    }

    private static long[] ReadLongs(string path, string name, JsonNode? node, string field)
    {
        if (node is not JsonArray array)
        {
            throw new CheckpointException(path, $"tensor \"{name}\" has no {field} array");
        }
        var result = new long[array.Count];
        for (int i = 0; i < result.Length; i++)
        {
            if (array[i] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue(out long value))
            {
                throw new CheckpointException(path, $"tensor \"{name}\" has a non-integer in {field}: {array.ToJsonString()}");
            }
            result[i] = value;
        }
        return result;
    }
}
