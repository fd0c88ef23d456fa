using FedOrleans.Models.Federated;

namespace FedOrleans.Models.Training.Cohorts;

/// <summary>How both cohort trainers split a cohort: who trains at all, and which members train together.</summary>
internal static class CohortGroups
{
    /// <summary>
    /// Fits the members that train (<paramref name="trains"/>) with <paramref name="fit"/>, one call per group of equal
    /// <paramref name="group"/> keys (in order of first appearance); a member that does not train keeps its global
    /// weights with 0 samples and a NaN loss, as its single fit reports. Outcomes come back in the members' order. The
    /// members must share their instructions but for their seeds (one round of one experiment).
    /// </summary>
    public static IReadOnlyList<FitOutcome> Fit<TKey>(IReadOnlyList<CohortMember> members, Func<CohortMember, bool> trains,
        Func<CohortMember, TKey> group, Func<List<CohortMember>, TKey, IReadOnlyList<FitOutcome>> fit)
    {
        var outcomes = new FitOutcome[members.Count];
        var training = new List<int>();
        for (int i = 0; i < members.Count; i++)
        {
            if (trains(members[i]))
            {
                training.Add(i);
            }
            else
            {
                outcomes[i] = new FitOutcome(members[i].Global, 0, double.NaN);
            }
        }
        if (training.Count == 0)
        {
            return outcomes;
        }
        var first = members[training[0]].Instructions;
        if (training.Any(i => members[i].Instructions with { Seed = first.Seed } != first))
        {
            throw new ArgumentException("a cohort's members must share their round and training settings");
        }
        foreach (var inGroup in training.GroupBy(i => group(members[i])))
        {
            var indices = inGroup.ToList();
            var fitted = fit(indices.Select(i => members[i]).ToList(), inGroup.Key);
            for (int j = 0; j < indices.Count; j++)
            {
                outcomes[indices[j]] = fitted[j];
            }
        }
        return outcomes;
    }
}
