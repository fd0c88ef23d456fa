using FedOrleans.Models.Data;

namespace FedOrleans.Models.Llm.Evaluation;

/// <summary>A labelled text piece for the genre probe.</summary>
public sealed record GenrePiece(string DocumentId, int Label, string Text);

/// <summary>
/// Brown genre classification data (15 genres, 500 samples of about 2,000 words). A sample's genre is the
/// letter after the <c>c</c> of its id (<c>ca01</c> = news), as in the corpus's <c>cats.txt</c>. So that
/// there are more samples than the 500 documents, each document is cut into consecutive pieces of
/// <see cref="WordsPerPiece"/> words and the first <c>piecesPerDocument</c> of them are kept: every document
/// contributes the same number of pieces, the genre proportions stay those of the corpus (the largest,
/// learned, is 80/500 = 16% = the majority-class baseline).
/// </summary>
public static class BrownGenres
{
    public const int WordsPerPiece = 64;

    /// <summary>Genre names in label order (the letters a-r of the Brown ids without i, o, q).</summary>
    public static readonly IReadOnlyList<(char Letter, string Name)> Genres =
    [
        ('a', "news"), ('b', "editorial"), ('c', "reviews"), ('d', "religion"), ('e', "hobbies"),
        ('f', "lore"), ('g', "belles_lettres"), ('h', "government"), ('j', "learned"), ('k', "fiction"),
        ('l', "mystery"), ('m', "science_fiction"), ('n', "adventure"), ('p', "romance"), ('r', "humor"),
    ];

    public static IReadOnlyList<GenrePiece> Pieces(IReadOnlyList<TextDocument> documents, int piecesPerDocument)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(piecesPerDocument, 1);
        var pieces = new List<GenrePiece>();
        foreach (var document in documents)
        {
            int label = LabelOf(document.Id);
            var words = document.Text.Split((char[])[' ', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            for (int p = 0; p < piecesPerDocument && (p + 1) * WordsPerPiece <= words.Length; p++)
            {
                pieces.Add(new GenrePiece(document.Id, label, string.Join(' ', words, p * WordsPerPiece, WordsPerPiece)));
            }
        }
        return pieces;
    }

    public static int LabelOf(string documentId)
    {
        var id = Path.GetFileName(documentId);
        for (int i = 0; i < Genres.Count; i++)
        {
            if (id.Length == 4 && id[0] == 'c' && id[1] == Genres[i].Letter)
            {
                return i;
            }
        }
        throw new ArgumentException($"'{documentId}' is not a Brown sample id (c + genre letter + two digits)");
    }
}
