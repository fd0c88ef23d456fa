namespace FedOrleans.Models.Data;

/// <summary>A dataset could not be fetched; the message says what failed and what to do.</summary>
public sealed class DataFetchException(string message) : Exception(message);
