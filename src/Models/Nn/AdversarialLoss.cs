namespace FedOrleans.Models.Nn;

/// <summary>The adversarial domain-adaptation losses of FedMM's code (papers.md section 3.3).</summary>
public enum AdversarialLoss
{
    /// <summary>Ganin et al.: a domain discriminator on the features, trained through gradient reversal.</summary>
    Dann,

    /// <summary>Long et al.: the discriminator sees softmax(logits) outer-product features.</summary>
    Cdan,

    /// <summary>Zhang et al.'s margin disparity discrepancy, as FedMM's code has it (an auxiliary classifier head, no margin factor).</summary>
    Mdd,
}
