namespace FedOrleans.Models.Data;

/// <summary>One document of a text corpus: its id (file name in the package) and its plain text.</summary>
public sealed record TextDocument(string Id, string Text);
