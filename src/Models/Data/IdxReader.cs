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

    /// <summary>Unsigned bytes in four dimensions, <c>[count, channels, rows, columns]</c> (colour images).</summary>
    public const int ColourImagesMagic = 2052;
    public const int LabelsMagic = 2049;

    /// <summary>Images as bytes, row-major <c>[count, channels, rows, columns]</c>; grey IDX files have one channel.</summary>
    public static (int Count, int Channels, int Rows, int Columns, byte[] Pixels) ReadImages(string path)
    {
        if (path.EndsWith(".gz", StringComparison.Ordinal) || !File.Exists(path))
        {
            var bytes = ReadAll(path);
            var (count, channels, rows, cols, header) = ImageHeader(path, bytes, bytes.LongLength);
            return (count, channels, rows, cols, bytes[header..]);
        }
        // Uncompressed (the cache's form): the header, then the pixels read straight into their own array. Reading the
        // whole file and copying all but the header cost MNIST's 47 MB twice (0.4 s of a run's start-up on 2 cores).
        using var file = File.OpenRead(path);
        var head = new byte[Math.Min(20, file.Length)];
        file.ReadExactly(head);
        var (n, c, r, w, skip) = ImageHeader(path, head, file.Length);
        file.Position = skip;
        var pixels = GC.AllocateUninitializedArray<byte>(checked((int)(file.Length - skip)));
        HugePages.Advise(pixels); // before the read writes them: a few dozen 2 MB pages, not ~11,500 4 KB ones for MNIST
        file.ReadExactly(pixels);
        return (n, c, r, w, pixels);
    }

    /// <summary>Checks an image file's header against its length; returns the shape and the header's size.</summary>
    private static (int Count, int Channels, int Rows, int Columns, int Header) ImageHeader(string path, byte[] bytes, long fileLength)
    {
        RequireLength(path, bytes, 16, "header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != ImagesMagic && magic != ColourImagesMagic)
        {
            throw new DataFormatException(path, $"magic number {magic} is not an IDX image magic ({ImagesMagic} grey, {ColourImagesMagic} colour); is this an image file?");
        }
        int header = magic == ImagesMagic ? 16 : 20;
        RequireLength(path, bytes, header, "header");
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        int channels = magic == ImagesMagic ? 1 : BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(header - 8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(header - 4));
        if (count <= 0 || channels is <= 0 or > 4 || rows <= 0 || cols <= 0 || rows > 4096 || cols > 4096)
        {
            throw new DataFormatException(path, $"implausible header: {count} images of {channels}x{rows}x{cols}");
        }
        long expected = header + (long)count * channels * rows * cols;
        if (fileLength != expected)
        {
            throw new DataFormatException(path,
                $"expected {expected:N0} bytes for {count:N0} images of {channels}x{rows}x{cols}, found {fileLength:N0} " +
                (fileLength < expected ? "(truncated: fetch it again with `fedorleans data fetch`)" : "(trailing bytes)"));
        }
        return (count, channels, rows, cols, header);
    }

    /// <summary>Writes images <c>[count, channels, rows, columns]</c> as a colour IDX file.</summary>
    public static void WriteColourImages(string path, int count, int channels, int rows, int columns, byte[] pixels)
    {
        var header = new byte[20];
        BinaryPrimitives.WriteInt32BigEndian(header, ColourImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), channels);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), rows);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(16), columns);
        using var file = File.Create(path);
        file.Write(header);
        file.Write(pixels);
    }

    /// <summary>Writes labels as an IDX label file.</summary>
    public static void WriteLabels(string path, IReadOnlyList<int> labels)
    {
        var bytes = new byte[8 + labels.Count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Count);
        for (int i = 0; i < labels.Count; i++)
        {
            bytes[8 + i] = checked((byte)labels[i]);
        }
        File.WriteAllBytes(path, bytes);
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
