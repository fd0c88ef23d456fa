using System.Collections;
using System.Globalization;
using System.Text;
using FedOrleans.Models.Data;
using Razorvine.Pickle;

namespace FedOrleans.Models.Graphs;

/// <summary>
/// Reads a Planetoid citation graph (<c>ind.{name}.{x,y,tx,ty,allx,ally,graph,test.index}</c>, Yang et al. 2016)
/// with a real pickle reader (Razorvine.Pickle) and constructors for the three Python types the files
/// hold: scipy's <c>csr_matrix</c>, numpy's <c>ndarray</c> (with its <c>dtype</c>) and <c>collections.defaultdict</c>.
/// Nodes are ordered as in Kipf and Welling's loader: <c>allx</c> rows, then the test rows placed at the
/// ids in <c>test.index</c>. As in Kipf and Welling's loader, test ids missing from the range
/// <c>min..max</c> of <c>test.index</c> (CiteSeer's 15 isolated nodes) become nodes with an all-zero feature row, in
/// their sorted positions, and in no split (their label is a placeholder 0, never trained on or evaluated).
/// The standard split: the first <c>|y|</c> nodes train (140 for Cora, 120 for CiteSeer, 60 for PubMed), the next
/// 500 validate (fewer when <c>allx</c> ends sooner, as in small synthetic sets), the test-index nodes test (1,000). Feature values are read as stored (binary word indicators for
/// Cora and CiteSeer, TF-IDF floats for PubMed; float64 or float32) and kept raw;
/// <see cref="CsrMatrix.RowNormalised"/> is the model's choice.
/// </summary>
public static class PlanetoidReader
{
    public const int ValidationCount = 500;

    private static readonly Lazy<bool> Registered = new(() =>
    {
        // Unpickler's constructor table is process-wide; these registrations are made once and never change.
        foreach (var module in new[] { "scipy.sparse.csr", "scipy.sparse._csr" })
        {
            Unpickler.registerConstructor(module, "csr_matrix", new Constructor(_ => new PickledCsr()));
        }
        foreach (var module in new[] { "numpy.core.multiarray", "numpy._core.multiarray" })
        {
            Unpickler.registerConstructor(module, "_reconstruct", new Constructor(_ => new PickledArray()));
        }
        Unpickler.registerConstructor("numpy", "dtype", new Constructor(args => new PickledDtype((string)args[0])));
        Unpickler.registerConstructor("collections", "defaultdict", new Constructor(_ => new Hashtable()));
        return true;
    });

    /// <summary>The eight files of a Planetoid dataset, <c>ind.{name}.{part}</c>.</summary>
    public static readonly IReadOnlyList<string> Parts = ["x", "tx", "allx", "y", "ty", "ally", "graph", "test.index"];

    /// <summary>True when <paramref name="folder"/> holds all of <c>ind.{name}.*</c>.</summary>
    public static bool Has(string folder, string name) => Parts.All(part => File.Exists(Path.Combine(folder, $"ind.{name}.{part}")));

    /// <summary>The names of the complete Planetoid datasets in <paramref name="folder"/>, sorted.</summary>
    public static IReadOnlyList<string> Available(string folder) => !Directory.Exists(folder) ? [] :
        Directory.EnumerateFiles(folder, "ind.*.graph")
            .Select(f => Path.GetFileName(f)["ind.".Length..^".graph".Length])
            .Where(name => Has(folder, name))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Reads <c>ind.{name}.*</c> from <paramref name="folder"/>.</summary>
    public static Graph Read(string folder, string name = "cora")
    {
        string P(string part) => Path.Combine(folder, $"ind.{name}.{part}");
        var missing = Parts.Where(part => !File.Exists(P(part))).ToList();
        if (missing.Count > 0)
        {
            var available = Available(folder);
            string lack = missing.Count == Parts.Count
                ? $"has none of the eight files ind.{name}.{{{string.Join(",", Parts)}}}"
                : $"lacks ind.{name}.{{{string.Join(",", missing)}}} of the eight files ind.{name}.{{{string.Join(",", Parts)}}}";
            throw new DataFormatException(P(missing[0]),
                $"graph.dataset '{name}': the Planetoid folder {folder} {lack}; complete datasets there: {(available.Count == 0 ? "none" : string.Join(", ", available))}. "
                + $"Copy the files there or set {GraphDatasets.PlanetoidEnvironmentVariable} to the folder that has them");
        }
        var allx = LoadCsr(P("allx"));
        var tx = LoadCsr(P("tx"));
        var ally = LoadArray(P("ally"));
        var ty = LoadArray(P("ty"));
        var y = LoadArray(P("y"));
        var adjacency = Load<Hashtable>(P("graph"), "a dict of adjacency lists");
        var testIndex = ReadTestIndex(P("test.index"));

        if (allx.ColumnCount != tx.ColumnCount)
        {
            throw new DataFormatException(P("tx"), $"has {tx.ColumnCount} feature columns, allx has {allx.ColumnCount}");
        }
        if (ally.Rows != allx.Rows || ty.Rows != tx.Rows || ally.Columns != ty.Columns || y.Columns != ally.Columns)
        {
            throw new DataFormatException(P("ally"), $"label arrays ({ally.Rows}x{ally.Columns}, {ty.Rows}x{ty.Columns}, {y.Rows}x{y.Columns}) do not match the feature rows ({allx.Rows}, {tx.Rows})");
        }
        if (y.Rows > allx.Rows)
        {
            throw new DataFormatException(P("y"), $"has {y.Rows} labelled rows, more than allx's {allx.Rows}");
        }
        if (testIndex.Length != tx.Rows)
        {
            throw new DataFormatException(P("test.index"), $"lists {testIndex.Length} test nodes, tx has {tx.Rows} rows");
        }
        var sortedTest = testIndex.Order().ToArray();
        if (sortedTest[0] != allx.Rows || sortedTest.Distinct().Count() != sortedTest.Length)
        {
            throw new DataFormatException(P("test.index"), $"test ids must be distinct and start at {allx.Rows} (allx's row count); they start at {sortedTest[0]}");
        }
        // Kipf and Welling's padding: the test range runs from the smallest to the largest test id; ids in it that
        // test.index does not list (CiteSeer's isolated nodes) become zero-feature, label-less nodes in no split.
        int n = sortedTest[^1] + 1;
        const int Missing = -1;

        // Node order: allx rows, then test row k at node testIndex[k]; gap nodes have no row.
        var rowOf = new int[n];
        Array.Fill(rowOf, Missing);
        for (int i = 0; i < allx.Rows; i++)
        {
            rowOf[i] = i;
        }
        for (int k = 0; k < testIndex.Length; k++)
        {
            rowOf[testIndex[k]] = allx.Rows + k;
        }
        // Gap nodes take the all-zero row appended below allx and tx.
        var stacked = Stack(Stack(allx, tx), new CsrMatrix(1, allx.ColumnCount, [0, 0], [], []));
        var features = stacked.SelectRows(Array.ConvertAll(rowOf, row => row == Missing ? stacked.Rows - 1 : row));
        int classes = ally.Columns;
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int row = rowOf[i];
            // A gap node's label is a placeholder (0, the arg-max of Kipf and Welling's all-zero row): it is in no split.
            labels[i] = row == Missing ? 0 : row < ally.Rows ? ally.ArgMaxRow(row) : ty.ArgMaxRow(row - ally.Rows);
        }

        var pairs = new List<(int, int)>();
        foreach (DictionaryEntry entry in adjacency)
        {
            int source = ToInt(entry.Key, P("graph"));
            if (entry.Value is not IEnumerable neighbours)
            {
                throw new DataFormatException(P("graph"), $"node {source}'s adjacency is {entry.Value?.GetType().Name ?? "None"}, expected a list");
            }
            foreach (var neighbour in neighbours)
            {
                int target = ToInt(neighbour, P("graph"));
                if (source >= n || target >= n || source < 0 || target < 0)
                {
                    throw new DataFormatException(P("graph"), $"edge ({source}, {target}) names a node outside 0..{n - 1}");
                }
                pairs.Add((source, target));
            }
        }
        var (sources, targets) = Graph.UndirectedEdges(pairs);
        var split = new GraphSplit(
            Enumerable.Range(0, y.Rows).ToArray(),
            Enumerable.Range(y.Rows, Math.Min(ValidationCount, allx.Rows - y.Rows)).ToArray(),
            sortedTest);
        return new Graph(name, features, labels, classes, sources, targets, split);
    }

    private static int[] ReadTestIndex(string path)
    {
        var result = new List<int>();
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int id))
            {
                throw new DataFormatException(path, $"line {line} is '{text}', expected a node id");
            }
            result.Add(id);
        }
        return result.ToArray();
    }

    private static CsrMatrix Stack(CsrMatrix top, CsrMatrix bottom)
    {
        var pointers = new int[top.Rows + bottom.Rows + 1];
        Array.Copy(top.RowPointers, pointers, top.Rows + 1);
        for (int r = 1; r <= bottom.Rows; r++)
        {
            pointers[top.Rows + r] = top.NonZeros + bottom.RowPointers[r];
        }
        return new CsrMatrix(top.Rows + bottom.Rows, top.ColumnCount, pointers,
            [.. top.Columns, .. bottom.Columns], [.. top.Values, .. bottom.Values]);
    }

    private static int ToInt(object? value, string path) => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        _ => throw new DataFormatException(path, $"expected an integer node id, found {value?.GetType().Name ?? "None"}"),
    };

    private static CsrMatrix LoadCsr(string path)
    {
        var csr = Load<PickledCsr>(path, "a scipy csr_matrix");
        try
        {
            return csr.ToMatrix();
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(path, $"not a valid CSR matrix: {e.Message}");
        }
    }

    private static DenseArray LoadArray(string path)
    {
        var array = Load<PickledArray>(path, "a numpy array");
        try
        {
            return array.ToDense();
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(path, $"not a valid 2-D numpy array: {e.Message}");
        }
    }

    private static T Load<T>(string path, string expected)
    {
        _ = Registered.Value;
        object result;
        try
        {
            using var stream = File.OpenRead(path);
            using var unpickler = new Unpickler();
            result = unpickler.load(stream);
        }
        catch (Exception e) when (e is PickleException or InvalidOpcodeException or InvalidCastException or EndOfStreamException
                                      or IOException or IndexOutOfRangeException or ArgumentException or InvalidOperationException
                                      or FormatException or System.Reflection.TargetInvocationException or NullReferenceException)
        {
            throw new DataFormatException(path, $"not a readable Python pickle of {expected} (corrupt or truncated?): {e.GetType().Name}: {e.Message}");
        }
        return result is T typed
            ? typed
            : throw new DataFormatException(path, $"holds a {result?.GetType().Name ?? "None"}, expected {expected}");
    }

    /// <summary>A row-major 2-D array of doubles, as read from a pickled numpy array.</summary>
    private sealed record DenseArray(int Rows, int Columns, double[] Values)
    {
        public int ArgMaxRow(int row)
        {
            int best = 0;
            for (int c = 1; c < Columns; c++)
            {
                if (Values[row * Columns + c] > Values[row * Columns + best])
                {
                    best = c;
                }
            }
            return best;
        }
    }

    private sealed class Constructor(Func<object[], object> factory) : IObjectConstructor
    {
        public object construct(object[] args) => factory(args);
    }

    /// <summary>numpy's dtype: kind and size from its name (<c>f8</c>, <c>i4</c>, ...), byte order from its state.</summary>
    private sealed class PickledDtype(string name)
    {
        public string Name { get; } = name;

        public bool BigEndian { get; private set; }

        // Called by the unpickler (BUILD) with numpy's state tuple (version, byte order, ...).
        public void __setstate__(object[] state) => BigEndian = state.Length > 1 && state[1] is ">";
    }

    /// <summary>numpy's ndarray state: (version, shape, dtype, is_fortran, raw bytes).</summary>
    private sealed class PickledArray
    {
        private object[]? _state;

        // Called by the unpickler (BUILD).
        public void __setstate__(object[] state) => _state = state;

        public DenseArray ToDense()
        {
            if (_state is not { Length: 5 } s || s[1] is not object[] shape || s[2] is not PickledDtype dtype)
            {
                throw new ArgumentException("unexpected ndarray state");
            }
            if (s[3] is true)
            {
                throw new ArgumentException("Fortran-ordered arrays are not supported");
            }
            if (dtype.BigEndian)
            {
                throw new ArgumentException("big-endian arrays are not supported");
            }
            var dims = shape.Select(d => Convert.ToInt32(d, CultureInfo.InvariantCulture)).ToArray();
            if (dims.Length is not (1 or 2))
            {
                throw new ArgumentException($"expected 1 or 2 dimensions, found {dims.Length}");
            }
            dims = dims.Length == 1 ? [dims[0], 1] : dims;
            byte[] raw = s[4] switch
            {
                byte[] b => b,
                string text => Encoding.Latin1.GetBytes(text),   // Python 2 str: one char per byte
                _ => throw new ArgumentException("the array data is neither bytes nor a byte string"),
            };
            int count = dims[0] * dims[1];
            var values = new double[count];
            int width = int.Parse(dtype.Name.AsSpan(1), CultureInfo.InvariantCulture);
            if (raw.Length != (long)count * width)
            {
                throw new ArgumentException($"{raw.Length} data bytes for {dims[0]}x{dims[1]} values of dtype {dtype.Name}");
            }
            var span = raw.AsSpan();
            for (int i = 0; i < count; i++)
            {
                var item = span.Slice(i * width, width);
                values[i] = dtype.Name switch
                {
                    "f8" => BitConverter.ToDouble(item),
                    "f4" => BitConverter.ToSingle(item),
                    "i8" => BitConverter.ToInt64(item),
                    "i4" => BitConverter.ToInt32(item),
                    "i2" => BitConverter.ToInt16(item),
                    "i1" => (sbyte)item[0],
                    "u1" or "b1" => item[0],
                    _ => throw new ArgumentException($"unsupported dtype {dtype.Name}"),
                };
            }
            return new DenseArray(dims[0], dims[1], values);
        }

        public int[] ToIntVector()
        {
            var dense = ToDense();
            return Array.ConvertAll(dense.Values, v => (int)v);
        }

        public float[] ToFloatVector() => Array.ConvertAll(ToDense().Values, v => (float)v);
    }

    /// <summary>scipy's csr_matrix state: a dict with <c>_shape</c>, <c>data</c>, <c>indices</c>, <c>indptr</c>.</summary>
    private sealed class PickledCsr
    {
        private Hashtable? _state;

        // Called by the unpickler (BUILD) with the instance dict.
        public void __setstate__(Hashtable state) => _state = state;

        public CsrMatrix ToMatrix()
        {
            if (_state?["_shape"] is not object[] { Length: 2 } shape
                || _state["data"] is not PickledArray data
                || _state["indices"] is not PickledArray indices
                || _state["indptr"] is not PickledArray pointers)
            {
                throw new ArgumentException("the csr_matrix state lacks _shape, data, indices or indptr");
            }
            return new CsrMatrix(Convert.ToInt32(shape[0], CultureInfo.InvariantCulture), Convert.ToInt32(shape[1], CultureInfo.InvariantCulture),
                pointers.ToIntVector(), indices.ToIntVector(), data.ToFloatVector());
        }
    }
}
