namespace FedOrleans.Models.Tuning;

/// <summary>
/// Bayesian optimisation settings: <see cref="InitialRandom"/> random configurations before the surrogate is used;
/// ARD or one shared length-scale; marginal-likelihood restarts; <see cref="Candidates"/> random candidates for
/// expected improvement, the best <see cref="Refined"/> of which are refined by <see cref="RefineSteps"/> steps of a
/// shrinking random local search; exploration margin <see cref="Xi"/> (on standardised outputs); the
/// <see cref="Incumbent"/> that improvement is measured against. The GP's noise variance is always fitted with
/// its other hyper-parameters, so a noisy objective gets a smoothing surrogate rather than an interpolating one.
/// </summary>
public sealed record BayesianOptions(
    int InitialRandom = 5,
    bool Ard = true,
    int Restarts = 3,
    int Candidates = 2000,
    int Refined = 5,
    int RefineSteps = 50,
    double Xi = 0.01,
    EiIncumbent Incumbent = EiIncumbent.BestPosteriorMean);
