namespace FedOrleans.Models.Tuning;

/// <summary>What expected improvement measures improvement against.</summary>
public enum EiIncumbent
{
    /// <summary>The GP's lowest posterior mean over the observed configurations: robust when observations are noisy, since one lucky draw does not set an unreachable bar (Picheny et al. 2013).</summary>
    BestPosteriorMean,

    /// <summary>The lowest observed value (Jones et al. 1998): right for noiseless objectives, too greedy under noise.</summary>
    BestObservation,
}
