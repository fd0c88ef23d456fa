namespace FedOrleans.Models.Nn;

/// <summary>The message-passing layer of a graph model. Spec names: <c>gcn</c>, <c>sage</c>.</summary>
public enum GnnKind
{
    /// <summary>Kipf and Welling's graph convolution, Â = D^-1/2 (A + I) D^-1/2.</summary>
    Gcn,

    /// <summary>GraphSAGE with the mean aggregator (Hamilton et al. 2017): W_self h_v + W_neigh mean(h_u, u in N(v)).</summary>
    Sage,
}
