using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using FedOrleans.Models.Data;

namespace FedOrleans.Models.Graphs;

/// <summary>
/// Reads graph-tool's binary <c>.gt</c> format (gzip-compressed <c>.gt.gz</c> too), as documented by graph-tool:
/// magic <c>E2 9B BE 20 67 74</c>, version, endianness, comment, directed flag, node count, the out-adjacency
/// of every node (indices 1, 2, 4 or 8 bytes wide by node count), then the property maps (graph, vertex
/// or edge; bool, int16/32/64, double, long double, string, vectors of those, or a pickled object).
/// Graph and edge properties are read and skipped; vertex properties are kept as invariant text.
/// </summary>
public static class GraphToolReader
{
    private static readonly byte[] Magic = [0xE2, 0x9B, 0xBE, 0x20, 0x67, 0x74];

    public static GraphToolFile Read(string path)
    {
        byte[] bytes;
        try
        {
            using var file = File.OpenRead(path);
            using var buffer = new MemoryStream();
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                gzip.CopyTo(buffer);
            }
            else
            {
                file.CopyTo(buffer);
            }
            bytes = buffer.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"not a valid gzip stream: {e.Message}");
        }
        try
        {
            return Parse(bytes);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new DataFormatException(path, $"ends early ({bytes.Length:N0} bytes decompressed); truncated or not a .gt file");
        }
        catch (FormatException e)
        {
            throw new DataFormatException(path, e.Message);
        }
    }

    public static GraphToolFile Parse(byte[] bytes)
    {
        var r = new Cursor(bytes);
        if (!r.Take(Magic.Length).SequenceEqual(Magic))
        {
            throw new FormatException("does not start with graph-tool's magic bytes E2 9B BE 20 67 74");
        }
        _ = r.Byte();   // format version
        r.BigEndian = r.Byte() != 0;
        string comment = r.String();
        bool directed = r.Byte() != 0;
        ulong n64 = r.UInt64();
        if (n64 > int.MaxValue)
        {
            throw new FormatException($"{n64} nodes is too many");
        }
        int n = (int)n64;
        int width = n64 <= byte.MaxValue ? 1 : n64 <= ushort.MaxValue ? 2 : n64 <= uint.MaxValue ? 4 : 8;
        var sources = new List<int>();
        var targets = new List<int>();
        for (int v = 0; v < n; v++)
        {
            ulong degree = r.UInt64();
            for (ulong k = 0; k < degree; k++)
            {
                ulong u = r.Index(width);
                if (u >= n64)
                {
                    throw new FormatException($"node {v} has neighbour {u} outside 0..{n - 1}");
                }
                sources.Add(v);
                targets.Add((int)u);
            }
        }
        var vertex = new Dictionary<string, string[]>(StringComparer.Ordinal);
        ulong propertyCount = r.UInt64();
        for (ulong p = 0; p < propertyCount; p++)
        {
            byte key = r.Byte();
            string name = r.String();
            byte type = r.Byte();
            long count = key switch
            {
                0 => 1,
                1 => n,
                2 => sources.Count,
                _ => throw new FormatException($"property '{name}' has key type {key}, expected 0 (graph), 1 (vertex) or 2 (edge)"),
            };
            var values = new string[count];
            for (long i = 0; i < count; i++)
            {
                values[i] = r.Value(type, name);
            }
            if (key == 1)
            {
                vertex[name] = values;
            }
        }
        return new GraphToolFile(comment, directed, n, sources.ToArray(), targets.ToArray(), vertex);
    }

    private sealed class Cursor(byte[] bytes)
    {
        private int _position;

        public bool BigEndian { get; set; }

        public ReadOnlySpan<byte> Take(int count)
        {
            var span = bytes.AsSpan(_position, count);
            _position += count;
            return span;
        }

        public byte Byte() => Take(1)[0];

        public ulong UInt64() => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(Take(8)) : BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public ulong Index(int width) => width switch
        {
            1 => Byte(),
            2 => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(Take(2)) : BinaryPrimitives.ReadUInt16LittleEndian(Take(2)),
            4 => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(Take(4)) : BinaryPrimitives.ReadUInt32LittleEndian(Take(4)),
            _ => UInt64(),
        };

        public string String()
        {
            ulong length = UInt64();
            if (length > (ulong)(bytes.Length - _position))
            {
                throw new FormatException($"a string of {length} bytes runs past the end of the file");
            }
            return Encoding.UTF8.GetString(Take((int)length));
        }

        public string Value(byte type, string property)
        {
            switch (type)
            {
                case 0:
                    return Byte() != 0 ? "1" : "0";
                case 1:
                    return (BigEndian ? BinaryPrimitives.ReadInt16BigEndian(Take(2)) : BinaryPrimitives.ReadInt16LittleEndian(Take(2))).ToString(CultureInfo.InvariantCulture);
                case 2:
                    return (BigEndian ? BinaryPrimitives.ReadInt32BigEndian(Take(4)) : BinaryPrimitives.ReadInt32LittleEndian(Take(4))).ToString(CultureInfo.InvariantCulture);
                case 3:
                    return (BigEndian ? BinaryPrimitives.ReadInt64BigEndian(Take(8)) : BinaryPrimitives.ReadInt64LittleEndian(Take(8))).ToString(CultureInfo.InvariantCulture);
                case 4:
                    return (BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(Take(8)) : BinaryPrimitives.ReadDoubleLittleEndian(Take(8))).ToString("R", CultureInfo.InvariantCulture);
                case 5:
                    _ = Take(16);   // long double: kept as its position only
                    return "";
                case 6:
                case 14:   // a pickled Python object, stored as a string
                    return String();
                case >= 7 and <= 13:
                    ulong length = UInt64();
                    if (length > (ulong)(bytes.Length - _position))
                    {
                        throw new FormatException($"property '{property}': a vector of {length} elements runs past the end of the file");
                    }
                    var items = new string[length];
                    for (ulong i = 0; i < length; i++)
                    {
                        items[i] = Value((byte)(type - 7), property);
                    }
                    return string.Join(',', items);
                default:
                    throw new FormatException($"property '{property}' has value type {type}, expected 0..14");
            }
        }
    }
}
