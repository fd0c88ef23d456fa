using System.Text;

namespace FedOrleans.Models.Tests;

/// <summary>
/// Writes Planetoid files as Python 2's cPickle did for the originals (protocol 2): scipy <c>csr_matrix</c> objects
/// (NEWOBJ, then BUILD with the instance dict), numpy arrays (<c>_reconstruct</c> then BUILD with
/// <c>(version, shape, dtype, is_fortran, raw bytes)</c>, the dtype itself REDUCEd and BUILT with its state) and the
/// adjacency as a <c>collections.defaultdict(list)</c>. No memo is written; the reader needs none.
/// </summary>
public static class PlanetoidPickles
{
    /// <summary>Writes the eight <c>ind.{name}.*</c> files. Features as dense rows (stored sparse, float64), labels one-hot (int32).</summary>
    public static void Write(string folder, string name, double[][] x, double[][] allx, double[][] tx, int[] y, int[] ally, int[] ty, int classes,
        IReadOnlyDictionary<int, int[]> graph, IReadOnlyList<int> testIndex)
    {
        string P(string part) => Path.Combine(folder, $"ind.{name}.{part}");
        File.WriteAllBytes(P("x"), Csr(x));
        File.WriteAllBytes(P("allx"), Csr(allx));
        File.WriteAllBytes(P("tx"), Csr(tx));
        File.WriteAllBytes(P("y"), OneHot(y, classes));
        File.WriteAllBytes(P("ally"), OneHot(ally, classes));
        File.WriteAllBytes(P("ty"), OneHot(ty, classes));
        File.WriteAllBytes(P("graph"), DefaultDict(graph));
        File.WriteAllText(P("test.index"), string.Concat(testIndex.Select(i => $"{i}\n")));
    }

    private static byte[] Csr(double[][] rows)
    {
        var pointers = new List<int> { 0 };
        var indices = new List<int>();
        var data = new List<double>();
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                if (row[c] != 0)
                {
                    indices.Add(c);
                    data.Add(row[c]);
                }
            }
            pointers.Add(indices.Count);
        }
        var w = new Writer();
        w.Global("scipy.sparse.csr", "csr_matrix");
        w.Op(')').Op(0x81);                                   // EMPTY_TUPLE, NEWOBJ
        w.Op('}').Op('(');                                    // EMPTY_DICT, MARK
        w.Str("format").Str("csr");
        w.Str("_shape").Int(rows.Length).Int(rows.Length == 0 ? 0 : rows[0].Length).Op(0x86);
        w.Str("indptr").Array([pointers.Count], "i4", Bytes(pointers, BitConverter.GetBytes));
        w.Str("_cs_matrix__has_sorted_indices").Op(0x88);   // NEWTRUE
        w.Str("indices").Array([indices.Count], "i4", Bytes(indices, BitConverter.GetBytes));
        w.Str("maxprint").Int(50);
        w.Str("data").Array([data.Count], "f8", Bytes(data, BitConverter.GetBytes));
        w.Op('u').Op('b');                                    // SETITEMS, BUILD
        return w.Finish();
    }

    private static byte[] OneHot(int[] labels, int classes)
    {
        var values = new int[labels.Length * classes];
        for (int i = 0; i < labels.Length; i++)
        {
            values[i * classes + labels[i]] = 1;
        }
        var w = new Writer();
        w.Array([labels.Length, classes], "i4", Bytes(values, BitConverter.GetBytes));
        return w.Finish();
    }

    private static byte[] DefaultDict(IReadOnlyDictionary<int, int[]> graph)
    {
        var w = new Writer();
        w.Global("collections", "defaultdict").Global("__builtin__", "list").Op(0x85).Op('R');   // defaultdict((list,))
        w.Op('(');
        foreach (var (node, neighbours) in graph)
        {
            w.Int(node).Op(']');                                // EMPTY_LIST
            if (neighbours.Length > 0)
            {
                w.Op('(');
                foreach (var n in neighbours)
                {
                    w.Int(n);
                }
                w.Op('e');                                      // APPENDS
            }
        }
        w.Op('u');
        return w.Finish();
    }

    private static byte[] Bytes<T>(IEnumerable<T> values, Func<T, byte[]> convert) => values.SelectMany(convert).ToArray();

    private sealed class Writer
    {
        private readonly MemoryStream _stream = new();

        public Writer() => Op(0x80).Byte(2);                   // PROTO 2

        public Writer Op(char opcode) => Byte((byte)opcode);

        public Writer Op(byte opcode) => Byte(opcode);

        public Writer Global(string module, string name)
        {
            Op('c');
            _stream.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
            return this;
        }

        public Writer Int(int value)
        {
            Op('J');                                            // BININT, 4 bytes little-endian
            _stream.Write(BitConverter.GetBytes(value));
            return this;
        }

        /// <summary>A Python 2 str (SHORT_BINSTRING below 256 bytes, else BINSTRING).</summary>
        public Writer Str(string text) => Binary(Encoding.Latin1.GetBytes(text));

        public Writer Binary(byte[] bytes)
        {
            if (bytes.Length < 256)
            {
                Op('U').Byte((byte)bytes.Length);
            }
            else
            {
                Op('T');
                _stream.Write(BitConverter.GetBytes(bytes.Length));
            }
            _stream.Write(bytes);
            return this;
        }

        /// <summary><c>numpy.core.multiarray._reconstruct(ndarray, (0,), 'b')</c> BUILT with (1, shape, dtype, False, data).</summary>
        public Writer Array(int[] shape, string dtype, byte[] data)
        {
            Global("numpy.core.multiarray", "_reconstruct").Global("numpy", "ndarray").Int(0).Op(0x85).Str("b").Op(0x87).Op('R');
            Op('(').Int(1);
            Op('(');
            foreach (var d in shape)
            {
                Int(d);
            }
            Op('t');
            Global("numpy", "dtype").Str(dtype).Int(0).Int(1).Op(0x87).Op('R');
            Op('(').Int(3).Str("<").Op('N').Op('N').Op('N').Int(-1).Int(-1).Int(0).Op('t').Op('b');
            Op(0x89);                                           // NEWFALSE: C order
            Binary(data);
            Op('t').Op('b');
            return this;
        }

        public byte[] Finish()
        {
            Op('.');
            return _stream.ToArray();
        }

        private Writer Byte(byte value)
        {
            _stream.WriteByte(value);
            return this;
        }
    }
}
