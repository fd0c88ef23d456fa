namespace FedOrleans.Models.Adapters.FineTuning;

/// <summary>A prompt (token ids) whose correct continuation is choice <see cref="Answer"/> of its task.</summary>
public sealed record AnswerExample(int[] Prompt, int Answer);
