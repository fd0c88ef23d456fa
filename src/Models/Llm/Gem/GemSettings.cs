namespace FedOrleans.Models.Llm.Gem;

/// <summary>
/// GEM fine-tuning settings, defaulting to the paper's (papers.md sections 1.5-1.6): one special token,
/// plain-row probability p = 0.8, sequences of at most 512 tokens, 100 iterations of mixed next-token
/// prediction (alpha = 0, learning rate 1e-4) and then contrastive learning only (alpha = 1, 1e-5), each
/// phase on its own cosine schedule. Inferred where the paper is silent: AdamW with weight decay 0.01,
/// gradient clipping at norm 1, prefix dropout 0.1, and the reconstruction format.
/// </summary>
public sealed record GemSettings(
    int SpecialTokenCount = 1,
    double PlainProbability = 0.8,
    GemFormat Format = GemFormat.Reconstruction,
    int MaxLength = 512,
    double PrefixDropout = 0.1,
    int NtpIterations = 100,
    int TotalIterations = 1000,
    double NtpLearningRate = 1e-4,
    double ContrastiveLearningRate = 1e-5,
    double WeightDecay = 0.01,
    double MaxGradientNorm = 1.0)
{
    /// <summary>The logit scale's initial value in log space (CLIP): ln 20.</summary>
    public static readonly double LogitScaleInit = Math.Log(20);

    /// <summary>The logit scale is clamped to [0, ln 100] after every step, so exp(scale) stays in [1, 100].</summary>
    public static readonly double LogitScaleMax = Math.Log(100);

    /// <summary>alpha in <c>L = (1 - alpha) L_ntp + alpha L_cl</c> at an iteration: 0 for the first <see cref="NtpIterations"/>, then 1.</summary>
    public double AlphaAt(int iteration) => iteration < NtpIterations ? 0 : 1;

    public void Validate()
    {
        var errors = new List<string>();
        if (SpecialTokenCount < 1)
        {
            errors.Add($"SpecialTokenCount must be at least 1 (is {SpecialTokenCount})");
        }
        if (PlainProbability is < 0 or > 1 || double.IsNaN(PlainProbability))
        {
            errors.Add($"PlainProbability must be in [0, 1] (is {PlainProbability})");
        }
        if (MaxLength < 2 * SpecialTokenCount + 2)
        {
            errors.Add($"MaxLength ({MaxLength}) leaves no room for text around {SpecialTokenCount} special token(s)");
        }
        if (PrefixDropout is < 0 or >= 1 || double.IsNaN(PrefixDropout))
        {
            errors.Add($"PrefixDropout must be in [0, 1) (is {PrefixDropout})");
        }
        if (NtpIterations < 0 || TotalIterations < NtpIterations)
        {
            errors.Add($"need 0 <= NtpIterations ({NtpIterations}) <= TotalIterations ({TotalIterations})");
        }
        if (!(NtpLearningRate > 0) || !(ContrastiveLearningRate > 0) || WeightDecay < 0 || !(MaxGradientNorm > 0))
        {
            errors.Add("learning rates and MaxGradientNorm must be positive, WeightDecay non-negative");
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException("GEM settings: " + string.Join("; ", errors));
        }
    }
}
