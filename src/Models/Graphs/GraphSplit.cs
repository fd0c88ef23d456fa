namespace FedOrleans.Models.Graphs;

/// <summary>Node indices used for training (labels visible), model selection and the test, disjoint.</summary>
public sealed record GraphSplit(int[] Train, int[] Validation, int[] Test)
{
    /// <summary>
    /// A seeded split stratified by class: in each class, a <paramref name="trainFraction"/> share
    /// (at least one node) trains, a <paramref name="validationFraction"/> share validates, the rest tests.
    /// </summary>
    public static GraphSplit Stratified(int[] labels, int numClasses, double trainFraction, double validationFraction, int seed)
    {
        if (trainFraction <= 0 || validationFraction < 0 || trainFraction + validationFraction >= 1)
        {
            throw new ArgumentException($"train fraction {trainFraction} and validation fraction {validationFraction} must be positive and sum below 1");
        }
        var random = new Random(seed);
        var train = new List<int>();
        var validation = new List<int>();
        var test = new List<int>();
        for (int c = 0; c < numClasses; c++)
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray();
            random.Shuffle(members);
            int nTrain = Math.Max(1, (int)Math.Round(trainFraction * members.Length));
            int nValidation = (int)Math.Round(validationFraction * members.Length);
            nTrain = Math.Min(nTrain, members.Length);
            nValidation = Math.Min(nValidation, members.Length - nTrain);
            train.AddRange(members[..nTrain]);
            validation.AddRange(members[nTrain..(nTrain + nValidation)]);
            test.AddRange(members[(nTrain + nValidation)..]);
        }
        train.Sort();
        validation.Sort();
        test.Sort();
        return new GraphSplit(train.ToArray(), validation.ToArray(), test.ToArray());
    }
}
