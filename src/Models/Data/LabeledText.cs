namespace FedOrleans.Models.Data;

/// <summary>One labelled text: its <see cref="Id"/> inside the source, the text, its class label and its source group.</summary>
public sealed record LabeledText(string Id, string Text, string Label, string Group);
