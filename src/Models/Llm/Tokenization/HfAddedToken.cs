namespace FedOrleans.Models.Llm.Tokenization;

/// <summary>An entry of tokenizer.json's <c>added_tokens</c>: its id, its text, and whether it is special (never split, encoded as one id).</summary>
public sealed record HfAddedToken(int Id, string Content, bool Special);
