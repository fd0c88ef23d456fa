using Google.Protobuf;

namespace FedOrleans.Models.Llm.Tokenization;

/// <summary>
/// Writes a SentencePiece <c>ModelProto</c> (the format of a Llama 1/2 <c>tokenizer.model</c>) for a
/// SentencePiece-style BPE <c>tokenizer.json</c>, so Microsoft.ML.Tokenizers' <c>LlamaTokenizer</c> can run it.
/// SentencePiece BPE merges the adjacent pair whose concatenation has the highest score; Hugging Face BPE
/// merges the pair listed first in <c>merges</c>. A piece's score is therefore minus the index of the first
/// merge that makes it (pieces no merge makes, such as single characters, score below every merge), which
/// orders merges the same way. Byte pieces <c>&lt;0xHH&gt;</c> become BYTE pieces (byte fallback), special
/// added tokens CONTROL pieces, the unknown token the UNKNOWN piece. Field numbers follow
/// sentencepiece_model.proto.
/// </summary>
public static class SentencePieceModelWriter
{
    private const int TypeNormal = 1, TypeUnknown = 2, TypeControl = 3, TypeByte = 6;
    private const int ModelTypeBpe = 2;

    public static byte[] Write(HfTokenizerJson tokenizer)
    {
        if (tokenizer.Design != HfTokenizerDesign.SentencePieceBpe)
        {
            throw new ArgumentException($"a SentencePiece model needs a SentencePiece-style tokenizer, not {tokenizer.Design}");
        }
        int size = tokenizer.Vocabulary.Values.Append(-1).Max() + 1;
        var pieces = new string?[size];
        foreach (var (piece, id) in tokenizer.Vocabulary)
        {
            pieces[id] = piece;
        }
        var missing = Array.FindIndex(pieces, p => p is null);
        if (missing >= 0)
        {
            throw new ArgumentException($"the vocabulary has no piece with id {missing} (ids must run 0..{size - 1} without gaps)");
        }
        var firstMerge = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < tokenizer.Merges.Count; i++)
        {
            firstMerge.TryAdd(tokenizer.Merges[i].Left + tokenizer.Merges[i].Right, i);
        }
        var control = tokenizer.AddedTokens.Where(a => a.Special).Select(a => a.Content).ToHashSet(StringComparer.Ordinal);

        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        for (int id = 0; id < size; id++)
        {
            string piece = pieces[id]!;
            int type = piece == tokenizer.UnknownToken ? TypeUnknown
                : control.Contains(piece) ? TypeControl
                : IsBytePiece(piece) ? TypeByte
                : TypeNormal;
            float score = type != TypeNormal ? 0f
                : firstMerge.TryGetValue(piece, out int rank) ? -rank
                : -(tokenizer.Merges.Count + id);
            WriteMessage(output, 1, o =>
            {
                o.WriteTag(1, WireFormat.WireType.LengthDelimited);
                o.WriteString(piece);
                o.WriteTag(2, WireFormat.WireType.Fixed32);
                o.WriteFloat(score);
                o.WriteTag(3, WireFormat.WireType.Varint);
                o.WriteEnum(type);
            });
        }
        WriteMessage(output, 2, o =>
        {
            WriteVarint(o, 3, ModelTypeBpe);
            WriteVarint(o, 4, size);
            WriteVarint(o, 35, 1);  // byte_fallback
            WriteVarint(o, 40, IdOf(tokenizer, tokenizer.UnknownToken));
            WriteVarint(o, 41, IdOf(tokenizer, "<s>"));
            WriteVarint(o, 42, IdOf(tokenizer, "</s>"));
            WriteVarint(o, 43, -1);  // pad_id: none
        });
        WriteMessage(output, 3, o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteString("identity");
            WriteVarint(o, 3, 1);  // add_dummy_prefix
            WriteVarint(o, 4, 0);  // remove_extra_whitespaces: Llama keeps runs of spaces
            WriteVarint(o, 5, 1);  // escape_whitespaces
        });
        output.Flush();
        return buffer.ToArray();
    }

    private static bool IsBytePiece(string piece) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>' && Uri.IsHexDigit(piece[3]) && Uri.IsHexDigit(piece[4]);

    private static int IdOf(HfTokenizerJson tokenizer, string? piece) =>
        piece is not null && tokenizer.Vocabulary.TryGetValue(piece, out int id) ? id : -1;

    private static void WriteVarint(CodedOutputStream output, int field, int value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt32(value);
    }

    private static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> body)
    {
        using var inner = new MemoryStream();
        var nested = new CodedOutputStream(inner);
        body(nested);
        nested.Flush();
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(inner.ToArray()));
    }
}
