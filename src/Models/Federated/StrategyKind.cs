namespace FedOrleans.Models.Federated;

/// <summary>The server strategies (spec names: <c>fedavg</c>, <c>fedprox</c>, <c>fedavgm</c>, <c>fedadam</c>, <c>fedmm</c>, <c>fedavg-gda</c>, <c>fedprox-gda</c>, <c>asfgnn</c>, <c>local-only</c>).</summary>
public enum StrategyKind
{
    /// <summary>McMahan et al. 2017: sample-weighted average of client weights.</summary>
    FedAvg,

    /// <summary>Li et al. 2020: FedAvg aggregation, clients add (mu/2)||w - w_global||^2.</summary>
    FedProx,

    /// <summary>Hsu et al. 2019: server SGD with momentum on the pseudo-gradient (average - global).</summary>
    FedAvgM,

    /// <summary>Reddi et al. 2021: server Adam on the pseudo-gradient, with adaptivity tau.</summary>
    FedAdam,

    /// <summary>Shen et al.: augmented-Lagrangian local GDA with per-client duals and a dual-corrected upload (domain adaptation).</summary>
    FedMM,

    /// <summary>FedMM's baseline: local gradient descent-ascent, then a plain average.</summary>
    FedAvgGda,

    /// <summary>FedMM's baseline: local GDA with a proximal term mu (w - w0), then a plain average.</summary>
    FedProxGda,

    /// <summary>Zheng et al. 2020 (papers.md 4.4), graph experiments: clients keep the message-passing part private and upload their classifier; the server averages it weighted by labelled nodes.</summary>
    Asfgnn,

    /// <summary>The no-federation baseline: every client trains alone; uploads are the unchanged global, which the server keeps.</summary>
    LocalOnly,
}
