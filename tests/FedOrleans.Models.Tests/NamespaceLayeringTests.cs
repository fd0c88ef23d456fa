using System.Text.RegularExpressions;

namespace FedOrleans.Models.Tests;

/// <summary>
/// The namespaces of src/Models form layers: no namespace depends, directly or through others, on one that depends
/// on it. Read from the sources: a file depends on the namespaces of its <c>using</c> directives and of the
/// qualified names in its code (<c>FedOrleans.Models.Jobs.X</c>, or <c>Jobs.X</c> inside <c>FedOrleans.Models</c>);
/// comments and string literals are ignored. A loop fails the test with the files that close it.
/// </summary>
public sealed partial class NamespaceLayeringTests
{
    private const string Root = "FedOrleans.Models";

    [Fact]
    public void ModelsHasNoNamespaceLoops()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot(), "src", "Models"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path: f, Code: StripCommentsAndStrings(File.ReadAllText(f))))
            .ToList();
        var namespaces = files.Select(f => NamespaceOf(f.Code)).Where(n => n is not null).Select(n => n!).ToHashSet();
        Assert.True(namespaces.Count > 10, $"expected the Models namespaces, found {namespaces.Count}");

        var edges = new Dictionary<string, Dictionary<string, string>>();
        foreach (var (path, code) in files)
        {
            var from = NamespaceOf(code);
            if (from is null)
            {
                continue;
            }
            foreach (var to in References(code, namespaces))
            {
                var targets = edges.TryGetValue(from, out var t) ? t : edges[from] = [];
                targets.TryAdd(to, Path.GetRelativePath(RepositoryRoot(), path));
            }
        }

        var loops = new List<string>();
        foreach (var (from, targets) in edges)
        {
            foreach (var (to, file) in targets)
            {
                var back = PathBetween(edges, to, from);
                if (back is not null)
                {
                    loops.Add($"{from} -> {to} ({file}), and back: {string.Join(" -> ", back)}");
                }
            }
        }
        Assert.True(loops.Count == 0, "namespace loops in src/Models:\n" + string.Join("\n", loops));
    }

    [Fact]
    public void TheCheckSeesUsingsAndQualifiedNames()
    {
        // The check itself: a loop through a using directive and a relative qualified name is found.
        string a = "using FedOrleans.Models.B;\nnamespace FedOrleans.Models.A;\nclass X { B.Y y; }";
        string b = "namespace FedOrleans.Models.B;\nclass Y { A.X x; } // FedOrleans.Models.C.Z in a comment\n";
        var known = new HashSet<string> { "FedOrleans.Models.A", "FedOrleans.Models.B", "FedOrleans.Models.C" };
        Assert.Equal(["FedOrleans.Models.B"], References(StripCommentsAndStrings(a), known).ToArray());
        Assert.Equal(["FedOrleans.Models.A"], References(StripCommentsAndStrings(b), known).ToArray());
    }

    private static List<string>? PathBetween(Dictionary<string, Dictionary<string, string>> edges, string start, string goal)
    {
        var previous = new Dictionary<string, string> { [start] = start };
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var at = queue.Dequeue();
            if (at == goal)
            {
                var path = new List<string> { at };
                while (path[^1] != start)
                {
                    path.Add(previous[path[^1]]);
                }
                path.Reverse();
                return path;
            }
            foreach (var next in edges.TryGetValue(at, out var t) ? t.Keys.ToList() : [])
            {
                if (previous.TryAdd(next, at))
                {
                    queue.Enqueue(next);
                }
            }
        }
        return null;
    }

    private static string? NamespaceOf(string code) => NamespaceDeclaration().Match(code) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The known namespaces other than its own that a file names: in using directives, fully qualified, or relative to <see cref="Root"/>.</summary>
    private static IEnumerable<string> References(string code, HashSet<string> known)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var own = NamespaceOf(code);
        foreach (Match m in QualifiedName().Matches(code))
        {
            var name = m.Value.StartsWith(Root + ".", StringComparison.Ordinal) ? m.Value : Root + "." + m.Value;
            // The longest known namespace that prefixes the name (the rest is a type and its members).
            while (!known.Contains(name) && name.Contains('.'))
            {
                name = name[..name.LastIndexOf('.')];
            }
            if (known.Contains(name) && name != own)
            {
                found.Add(name);
            }
        }
        return found;
    }

    private static string StripCommentsAndStrings(string code)
    {
        code = BlockComment().Replace(code, " ");
        code = LineComment().Replace(code, "");
        return StringLiteral().Replace(code, "\"\"");
    }

    private static string RepositoryRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "FedOrleans.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("FedOrleans.sln not found above the test assembly");
        }
        return root;
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    // A dotted name not preceded by a member access: using directives, FedOrleans.Models.X.Y, or X.Y (X a namespace under Models).
    [GeneratedRegex(@"(?<![\w.])(?:FedOrleans\.Models\.)?[A-Z]\w*(?:\.[A-Z]\w*)+")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"@""(?:[^""]|"""")*""|""""""[\s\S]*?""""""|""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])'")]
    private static partial Regex StringLiteral();
}
