namespace FedOrleans.Client.Connection;

/// <summary>Nothing answered at the cluster address; the message says how to start a cluster.</summary>
public sealed class ClusterUnavailableException(string message) : Exception(message);
