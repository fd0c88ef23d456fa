namespace FedOrleans.Models.Graphs;

/// <summary>
/// A read-only sparse matrix in compressed-sparse-row form (scipy's <c>csr_matrix</c> layout): row
/// <c>r</c> holds the entries <c>[RowPointers[r], RowPointers[r + 1])</c> of <see cref="Columns"/> and <see cref="Values"/>.
/// </summary>
public sealed class CsrMatrix
{
    public CsrMatrix(int rows, int columns, int[] rowPointers, int[] columnIndices, float[] values)
    {
        if (rowPointers.Length != rows + 1 || rowPointers[0] != 0 || rowPointers[rows] != columnIndices.Length || columnIndices.Length != values.Length)
        {
            throw new ArgumentException($"inconsistent CSR arrays: {rows} rows need {rows + 1} row pointers from 0 to the {columnIndices.Length} entries, one value each");
        }
        for (int r = 0; r < rows; r++)
        {
            if (rowPointers[r + 1] < rowPointers[r])
            {
                throw new ArgumentException($"CSR row pointers decrease at row {r}");
            }
        }
        foreach (var c in columnIndices)
        {
            if ((uint)c >= (uint)columns)
            {
                throw new ArgumentException($"CSR column index {c} is outside 0..{columns - 1}");
            }
        }
        Rows = rows;
        ColumnCount = columns;
        RowPointers = rowPointers;
        Columns = columnIndices;
        Values = values;
    }

    public int Rows { get; }

    public int ColumnCount { get; }

    public int[] RowPointers { get; }

    public int[] Columns { get; }

    public float[] Values { get; }

    public int NonZeros => Values.Length;

    /// <summary>The n x n identity (one-hot node features).</summary>
    public static CsrMatrix Identity(int n) =>
        new(n, n, Enumerable.Range(0, n + 1).ToArray(), Enumerable.Range(0, n).ToArray(), Enumerable.Repeat(1f, n).ToArray());

    /// <summary>A dense row-major matrix, keeping its non-zero entries.</summary>
    public static CsrMatrix FromDense(int rows, int columns, ReadOnlySpan<float> dense)
    {
        var pointers = new int[rows + 1];
        var cols = new List<int>();
        var values = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                float v = dense[r * columns + c];
                if (v != 0)
                {
                    cols.Add(c);
                    values.Add(v);
                }
            }
            pointers[r + 1] = cols.Count;
        }
        return new CsrMatrix(rows, columns, pointers, cols.ToArray(), values.ToArray());
    }

    /// <summary>Rows scaled to sum 1 (Kipf and Welling's feature preprocessing); all-zero rows stay zero.</summary>
    public CsrMatrix RowNormalised()
    {
        var values = new float[Values.Length];
        for (int r = 0; r < Rows; r++)
        {
            double sum = 0;
            for (int k = RowPointers[r]; k < RowPointers[r + 1]; k++)
            {
                sum += Values[k];
            }
            for (int k = RowPointers[r]; k < RowPointers[r + 1]; k++)
            {
                values[k] = sum == 0 ? 0 : (float)(Values[k] / sum);
            }
        }
        return new CsrMatrix(Rows, ColumnCount, RowPointers, Columns, values);
    }

    /// <summary>The given rows, in order, as a new matrix.</summary>
    public CsrMatrix SelectRows(IReadOnlyList<int> rows)
    {
        var pointers = new int[rows.Count + 1];
        int total = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            total += RowPointers[rows[i] + 1] - RowPointers[rows[i]];
            pointers[i + 1] = total;
        }
        var cols = new int[total];
        var values = new float[total];
        for (int i = 0; i < rows.Count; i++)
        {
            int start = RowPointers[rows[i]];
            int length = RowPointers[rows[i] + 1] - start;
            Array.Copy(Columns, start, cols, pointers[i], length);
            Array.Copy(Values, start, values, pointers[i], length);
        }
        return new CsrMatrix(rows.Count, ColumnCount, pointers, cols, values);
    }

    /// <summary>Row-major dense copy.</summary>
    public float[] ToDense()
    {
        var dense = new float[(long)Rows * ColumnCount];
        for (int r = 0; r < Rows; r++)
        {
            for (int k = RowPointers[r]; k < RowPointers[r + 1]; k++)
            {
                dense[(long)r * ColumnCount + Columns[k]] += Values[k];
            }
        }
        return dense;
    }
}
