namespace FedOrleans.Models.Federated;

/// <summary>How a client's local gradient descent-ascent step treats the global point (papers.md section 3.3).</summary>
public enum MinimaxRule
{
    /// <summary>FedAvg-GDA: plain SGD steps, w -= lr g.</summary>
    Gda,

    /// <summary>FedProx-GDA: w -= lr (g + mu (w - w0)).</summary>
    ProxGda,

    /// <summary>FedMM: w -= lr (g + mu (w - w0) + lambda), then lambda += mu (w - w0), upload w + lambda / (mu decay^(t/every)).</summary>
    FedMM,
}
