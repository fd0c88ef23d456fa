namespace FedOrleans.Models.Federated;

/// <summary>The server strategies (spec names in kebab case: <c>fedavg</c>, <c>fedprox</c>, <c>fedavgm</c>, <c>fedadam</c>).</summary>
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
}
