namespace FedOrleans.Models.Federated;

/// <summary>
/// Local minimax training settings. <see cref="Coefficient"/> weighs the adversarial loss (the gradient
/// reversal factor); FedMM's dual correction is divided by <c>Mu * DualDecay^(round / DecayEvery)</c>
/// (the official code: lambda1 = 2, decay 1.05 for DANN, every 100 rounds).
/// </summary>
public sealed record MinimaxSettings(MinimaxRule Rule, double Mu = 2.0, double DualDecay = 1.05, double DecayEvery = 100, double Coefficient = 1.0)
{
    /// <summary>FedMM keeps a dual variable per client between rounds; GDA and ProxGDA keep nothing.</summary>
    public bool KeepsDuals => Rule == MinimaxRule.FedMM;

    /// <summary>The factor of the dual in the upload, eta3^t / mu.</summary>
    public double UploadFactor(int round) => 1.0 / (Mu * Math.Pow(DualDecay, round / DecayEvery));
}
