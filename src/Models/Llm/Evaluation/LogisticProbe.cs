namespace FedOrleans.Models.Llm.Evaluation;

/// <summary>Settings of the linear probe: L2 strength (on the weights, not the biases), full-batch iterations, step size, folds, fold seed.</summary>
public sealed record ProbeSettings(double L2 = 1e-3, int Iterations = 300, double LearningRate = 0.5, int Folds = 5, int Seed = 1);

/// <summary>The probe's cross-validated result: mean accuracy over folds and each fold's accuracy.</summary>
public sealed record ProbeResult(double Accuracy, IReadOnlyList<double> FoldAccuracies, int Samples, int Classes, double ChanceAccuracy);

/// <summary>
/// Multinomial logistic regression on frozen embeddings (the MTEB classification protocol, with k-fold cross
/// validation instead of a fixed split): features standardised with the training fold's mean and standard
/// deviation, softmax cross-entropy plus <c>L2/2 * |W|^2</c>, minimised by full-batch gradient descent with
/// Nesterov momentum 0.9 from zero weights for a fixed number of iterations. Everything is deterministic:
/// the only randomness is the seeded shuffle that assigns samples to folds.
/// </summary>
public static class LogisticProbe
{
    public static ProbeResult CrossValidate(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, ProbeSettings settings)
    {
        if (features.Count != labels.Count || features.Count < settings.Folds)
        {
            throw new ArgumentException($"{features.Count} samples and {labels.Count} labels; need one label per sample and at least {settings.Folds} samples");
        }
        if (settings.Folds < 2)
        {
            throw new ArgumentException($"need at least 2 folds (got {settings.Folds})");
        }
        int classes = labels.Max() + 1;
        var order = Enumerable.Range(0, features.Count).ToArray();
        new Random(settings.Seed).Shuffle(order);
        var accuracies = new List<double>();
        for (int fold = 0; fold < settings.Folds; fold++)
        {
            var test = order.Where((_, i) => i % settings.Folds == fold).ToArray();
            var train = order.Where((_, i) => i % settings.Folds != fold).ToArray();
            var model = Fit(train.Select(i => features[i]).ToList(), train.Select(i => labels[i]).ToList(), classes, settings);
            accuracies.Add(test.Count(i => model.Predict(features[i]) == labels[i]) / (double)test.Length);
        }
        double chance = labels.GroupBy(l => l).Max(g => g.Count()) / (double)labels.Count;
        return new ProbeResult(accuracies.Average(), accuracies, features.Count, classes, chance);
    }

    public static Classifier Fit(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classes, ProbeSettings settings)
    {
        int n = features.Count, d = features[0].Length;
        var mean = new double[d];
        var scale = new double[d];
        foreach (var x in features)
        {
            for (int j = 0; j < d; j++)
            {
                mean[j] += x[j];
            }
        }
        for (int j = 0; j < d; j++)
        {
            mean[j] /= n;
        }
        foreach (var x in features)
        {
            for (int j = 0; j < d; j++)
            {
                scale[j] += (x[j] - mean[j]) * (x[j] - mean[j]);
            }
        }
        for (int j = 0; j < d; j++)
        {
            double sd = Math.Sqrt(scale[j] / n);
            scale[j] = sd > 1e-12 ? 1 / sd : 0;
        }
        var z = features.Select(x => Standardise(x, mean, scale)).ToArray();
        int width = d + 1; // weights and the bias
        var w = new double[classes * width];
        var velocity = new double[w.Length];
        var lookahead = new double[w.Length];
        var gradient = new double[w.Length];
        var p = new double[classes];
        for (int iteration = 0; iteration < settings.Iterations; iteration++)
        {
            for (int k = 0; k < w.Length; k++)
            {
                lookahead[k] = w[k] + 0.9 * velocity[k];
            }
            Array.Clear(gradient);
            for (int s = 0; s < n; s++)
            {
                Softmax(lookahead, z[s], classes, p);
                p[labels[s]] -= 1;
                for (int c = 0; c < classes; c++)
                {
                    int row = c * width;
                    double g = p[c] / n;
                    for (int j = 0; j < d; j++)
                    {
                        gradient[row + j] += g * z[s][j];
                    }
                    gradient[row + d] += g;
                }
            }
            for (int c = 0; c < classes; c++)
            {
                for (int j = 0; j < d; j++)
                {
                    gradient[c * width + j] += settings.L2 * lookahead[c * width + j];
                }
            }
            for (int k = 0; k < w.Length; k++)
            {
                velocity[k] = 0.9 * velocity[k] - settings.LearningRate * gradient[k];
                w[k] += velocity[k];
            }
        }
        return new Classifier(w, classes, mean, scale);
    }

    private static double[] Standardise(float[] x, double[] mean, double[] scale)
    {
        var z = new double[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            z[j] = (x[j] - mean[j]) * scale[j];
        }
        return z;
    }

    private static void Softmax(double[] w, double[] z, int classes, double[] p)
    {
        int d = z.Length, width = d + 1;
        double max = double.NegativeInfinity;
        for (int c = 0; c < classes; c++)
        {
            double logit = w[c * width + d];
            for (int j = 0; j < d; j++)
            {
                logit += w[c * width + j] * z[j];
            }
            p[c] = logit;
            max = Math.Max(max, logit);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++)
        {
            p[c] = Math.Exp(p[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < classes; c++)
        {
            p[c] /= sum;
        }
    }

    /// <summary>A fitted probe: standardisation plus the softmax weights.</summary>
    public sealed class Classifier(double[] weights, int classes, double[] mean, double[] scale)
    {
        public int Predict(float[] x)
        {
            var p = new double[classes];
            Softmax(weights, Standardise(x, mean, scale), classes, p);
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (p[c] > p[best])
                {
                    best = c;
                }
            }
            return best;
        }
    }
}
