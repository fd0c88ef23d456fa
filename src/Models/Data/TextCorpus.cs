using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace FedOrleans.Models.Data;

/// <summary>
/// Reads the text corpora of the catalog straight from their cached package archives, in a fixed order:
/// Brown (one document per sample <c>ca01</c> .. <c>cr09</c>, the <c>word/tag</c> pairs turned back into
/// plain text, one paragraph a line), Moby-Dick (etymology, extracts, chapters 1-135 in order, epilogue)
/// and the State of the Union addresses (by year).
/// </summary>
public static partial class TextCorpus
{
    public static IReadOnlyList<TextDocument> Load(DatasetName name, DataCache cache)
    {
        var entry = DatasetCatalog.Get(name);
        var path = cache.CachedFile(entry);
        var files = ReadArchive(path);
        var documents = name switch
        {
            DatasetName.BrownCorpus => files
                .Where(f => BrownSample().IsMatch(f.Key))
                .OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => new TextDocument(f.Key["package/".Length..], Untag(f.Value)))
                .ToList(),
            DatasetName.MobyDick => files
                .Where(f => MobyDickPart().IsMatch(f.Key))
                .OrderBy(f => MobyDickOrder(f.Key))
                .Select(f => new TextDocument(Path.GetFileNameWithoutExtension(f.Key), f.Value.Trim()))
                .ToList(),
            DatasetName.StateOfTheUnion => files
                .Where(f => f.Key.StartsWith("package/data/", StringComparison.Ordinal) && f.Key.EndsWith(".txt", StringComparison.Ordinal))
                .OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => new TextDocument(Path.GetFileNameWithoutExtension(f.Key), f.Value.Trim()))
                .ToList(),
            _ => throw new ArgumentException($"{entry.Key} is not a text corpus"),
        };
        if (documents.Count == 0)
        {
            throw new DataFormatException(path, "holds no documents of the expected layout; the package version may have changed");
        }
        return documents;
    }

    /// <summary>Brown's tagged text (<c>The/at jury/nn ,/, ``/`` ...</c>) as plain text, one paragraph a line.</summary>
    public static string Untag(string tagged)
    {
        var paragraphs = new List<string>();
        foreach (var block in tagged.Split(["\n\n", "\r\n\r\n"], StringSplitOptions.RemoveEmptyEntries))
        {
            var words = block.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
                .Select(w => w.LastIndexOf('/') is int slash and > 0 ? w[..slash] : w)
                .Select(w => w is "``" or "''" ? "\"" : w)
                .ToList();
            if (words.Count == 0)
            {
                continue;
            }
            var text = new StringBuilder();
            bool insideQuote = false, justOpened = false;
            foreach (var w in words)
            {
                bool closing = w is "," or "." or ";" or ":" or "?" or "!" or ")" or "'s" or "'" || (w == "\"" && insideQuote);
                if (text.Length > 0 && !closing && !justOpened)
                {
                    text.Append(' ');
                }
                text.Append(w);
                justOpened = w == "(" || (w == "\"" && !insideQuote);
                if (w == "\"")
                {
                    insideQuote = !insideQuote;
                }
            }
            paragraphs.Add(text.ToString());
        }
        return string.Join('\n', paragraphs);
    }

    /// <summary>Every regular file of a .tgz package archive (or those <paramref name="include"/> keeps) as text, by path inside the archive.</summary>
    internal static Dictionary<string, string> ReadArchive(string path, Func<string, bool>? include = null)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is null || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || include?.Invoke(entry.Name) == false)
                {
                    continue;
                }
                using var text = new StreamReader(entry.DataStream, Encoding.UTF8);
                result[entry.Name] = text.ReadToEnd();
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new DataFormatException(path, $"not a readable .tgz archive ({e.Message}); run `fedorleans data fetch --force`");
        }
        return result;
    }

    private static int MobyDickOrder(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return name switch
        {
            "etymology" => -2,
            "extracts" => -1,
            "epilogue" => int.MaxValue,
            _ => int.Parse(name["chapter_".Length..], System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    [GeneratedRegex(@"^package/c[a-r]\d\d$")]
    private static partial Regex BrownSample();

    [GeneratedRegex(@"^package/data/(chapter_\d+|etymology|extracts|epilogue)\.txt$")]
    private static partial Regex MobyDickPart();
}
