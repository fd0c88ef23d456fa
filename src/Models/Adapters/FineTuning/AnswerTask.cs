namespace FedOrleans.Models.Adapters.FineTuning;

/// <summary>
/// A classification task posed as next-token prediction: every example's prompt is followed by the token ids of one
/// of <see cref="Choices"/> (e.g. " ham" / " spam"), with fixed train, validation and test splits.
/// </summary>
public sealed record AnswerTask(
    string Name,
    IReadOnlyList<string> ChoiceNames,
    IReadOnlyList<int[]> Choices,
    IReadOnlyList<AnswerExample> Train,
    IReadOnlyList<AnswerExample> Validation,
    IReadOnlyList<AnswerExample> Test)
{
    /// <summary>The largest token id any prompt or choice uses.</summary>
    public int MaxTokenId() =>
        Train.Concat(Validation).Concat(Test).SelectMany(e => e.Prompt).Concat(Choices.SelectMany(c => c)).Max();

    /// <summary>A one-line summary: sizes and the class shares of the test split.</summary>
    public string Describe()
    {
        var shares = Enumerable.Range(0, Choices.Count)
            .Select(c => $"{ChoiceNames[c]} {Test.Count(e => e.Answer == c)}");
        return $"{Name}: train {Train.Count}, validation {Validation.Count}, test {Test.Count} ({string.Join(", ", shares)})";
    }
}
