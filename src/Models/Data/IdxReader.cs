using System.Buffers.Binary;
using System.IO.Compression;

namespace FedOrleans.Models.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (raw or gzip-compressed): a big-endian header
/// (magic 2051 for images, 2049 for labels, then the dimensions) followed by unsigned bytes.
/// Every inconsistency becomes a <see cref="DataFormatException"/> naming the file.
/// </summary>
public static class IdxReader
{
    public const int ImagesMagic = 2051;
    public const int LabelsMagic = 2049;

    /// <summary>Images as bytes, row-major, with their count and size.</summary>
    public static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(string path)
    {
        var bytes = ReadAll(path);
        RequireLength(path, bytes, 16, "header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != ImagesMagic)
        {
            throw new DataFormatException(path, $"magic number {magic} is not the IDX image magic {ImagesMagic}; is this an image file?");
        }
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        if (count <= 0 || rows <= 0 || cols <= 0 || rows > 4096 || cols > 4096)
        {
            throw new DataFormatException(path, $"implausible header: {count} images of {rows}x{cols}");
        }
        long expected = 16L + (long)count * rows * cols;
        if (bytes.LongLength != expected)
        {
            throw new DataFormatException(path,
                $"expected {expected:N0} bytes for {count:N0} images of {rows}x{cols}, found {bytes.LongLength:N0} " +
                (bytes.LongLength < expected ? "(truncated: fetch it again with `fedorleans data fetch`)" : "(trailing bytes)"));
        }
        return (count, rows, cols, bytes[16..]);
    }

    /// <summary>Labels as bytes, each below <paramref name="numClasses"/>.</summary>
    public static byte[] ReadLabels(string path, int numClasses)
    {
        var bytes = ReadAll(path);
        RequireLength(path, bytes, 8, "header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != LabelsMagic)
        {
            throw new DataFormatException(path, $"magic number {magic} is not the IDX label magic {LabelsMagic}; is this a label file?");
        }
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (count <= 0 || bytes.LongLength != 8L + count)
        {
            throw new DataFormatException(path,
                $"header says {count:N0} labels, the file holds {bytes.LongLength - 8:N0} (truncated or corrupt: fetch it again)");
        }
        var labels = bytes[8..];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= numClasses)
            {
                throw new DataFormatException(path, $"label {labels[i]} at index {i} is outside 0..{numClasses - 1}");
            }
        }
        return labels;
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, "file not found; run `fedorleans data fetch` first");
        }
        if (!path.EndsWith(".gz", StringComparison.Ordinal))
        {
            return File.ReadAllBytes(path);
        }
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var buffer = new MemoryStream();
            gzip.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new DataFormatException(path, $"not a valid gzip stream ({e.Message}); fetch it again");
        }
    }

    private static void RequireLength(string path, byte[] bytes, int length, string what)
    {
        if (bytes.Length < length)
        {
            throw new DataFormatException(path, $"only {bytes.Length} bytes, too short for the IDX {what} ({length} bytes)");
        }
    }
}
