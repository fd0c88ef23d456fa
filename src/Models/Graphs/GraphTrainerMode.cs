namespace FedOrleans.Models.Graphs;

/// <summary>What of a graph model is shared with the server and what stays with the client.</summary>
public enum GraphTrainerMode
{
    /// <summary>The whole model is global (naive federated GCN, and centralised training with one client).</summary>
    Shared,

    /// <summary>ASFGNN: the message-passing part θ and the client's own classifier φ_c stay private; φ_c is uploaded and mixed with the global φ.</summary>
    Separated,

    /// <summary>Local-only: the whole model stays private; the upload is the unchanged global.</summary>
    Private,
}
