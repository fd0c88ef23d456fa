using System.Text.Json;
using System.Text.RegularExpressions;

namespace FedOrleans.Models.Data;

/// <summary>
/// Text classification sets read from the cached package archives, in a fixed order:
/// SpamAssassin (label <c>ham</c> or <c>spam</c> from the group folder; the text is the Subject line and the body,
/// other headers and HTML tags dropped), State of the Union (label = the speaker's party) and Brown (label = genre
/// from <c>cats.txt</c>, text untagged).
/// </summary>
public static partial class LabeledTexts
{
    public static IReadOnlyList<LabeledText> Load(DatasetName name, DataCache cache)
    {
        var entry = DatasetCatalog.Get(name);
        var path = cache.CachedFile(entry);
        var files = TextCorpus.ReadArchive(path);
        var items = name switch
        {
            DatasetName.SpamAssassin => files
                .Where(f => EmailFile().IsMatch(f.Key))
                .OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => Email(path, f.Key, f.Value))
                .ToList(),
            DatasetName.StateOfTheUnion => files
                .Where(f => AddressFile().IsMatch(f.Key))
                .OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => Address(path, f.Key, f.Value))
                .ToList(),
            DatasetName.BrownCorpus => Brown(path, files),
            _ => throw new ArgumentException($"{entry.Key} is not a labelled text collection"),
        };
        if (items.Count == 0)
        {
            throw new DataFormatException(path, "holds no labelled texts of the expected layout; the package version may have changed");
        }
        return items;
    }

    /// <summary>The Subject line and the body of a raw RFC-822 message, tags removed and whitespace collapsed.</summary>
    public static string SubjectAndBody(string raw)
    {
        var normalized = raw.Replace("\r\n", "\n", StringComparison.Ordinal);
        int split = normalized.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = split < 0 ? normalized : normalized[..split];
        var body = split < 0 ? "" : normalized[(split + 2)..];
        var subject = headers.Split('\n').FirstOrDefault(h => h.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase))?["Subject:".Length..].Trim() ?? "";
        body = Whitespace().Replace(Tag().Replace(body, " "), " ").Trim();
        return $"Subject: {subject}\n{body}";
    }

    private static LabeledText Email(string path, string key, string json)
    {
        using var document = Parse(path, key, json);
        var root = document.RootElement;
        var group = root.GetProperty("group").GetString()!;
        var label = group.StartsWith("spam", StringComparison.Ordinal) ? "spam" : "ham";
        return new LabeledText($"{group}/{root.GetProperty("id").GetString()}", SubjectAndBody(root.GetProperty("text").GetString()!), label, group);
    }

    private static LabeledText Address(string path, string key, string json)
    {
        using var document = Parse(path, key, json);
        var root = document.RootElement;
        var party = root.GetProperty("party").GetString() ?? "";
        return new LabeledText(Path.GetFileNameWithoutExtension(key), root.GetProperty("text").GetString()!.Trim(),
            party.Length == 0 ? "none" : party, root.GetProperty("year").ToString());
    }

    private static List<LabeledText> Brown(string path, Dictionary<string, string> files)
    {
        if (!files.TryGetValue("package/cats.txt", out var categories))
        {
            throw new DataFormatException(path, "has no package/cats.txt (the genre of every sample)");
        }
        var genres = categories.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        return genres.OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new LabeledText(g.Key, TextCorpus.Untag(files[$"package/{g.Key}"]), g.Value, g.Value))
            .ToList();
    }

    private static JsonDocument Parse(string path, string key, string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"{key} is not valid JSON ({e.Message})");
        }
    }

    [GeneratedRegex(@"^package/data/[a-z-]+-\d/\d{5}\.[0-9a-f]+\.json$")]
    private static partial Regex EmailFile();

    [GeneratedRegex(@"^package/data/\d{4}_[^/]+\.json$")]
    private static partial Regex AddressFile();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
