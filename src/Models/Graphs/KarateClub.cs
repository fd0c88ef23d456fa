namespace FedOrleans.Models.Graphs;

/// <summary>
/// Zachary's karate club (1977): 34 members, 78 friendships, and the two factions after the split
/// (the instructor "Mr. Hi", class 0, and the officer, class 1). Public-domain factual data, 0-based ids.
/// </summary>
public static class KarateClub
{
    public const int NodeCount = 34;

    /// <summary>Each member's friends with a higher id.</summary>
    private static readonly int[][] Friends =
    [
        [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 17, 19, 21, 31],
        [2, 3, 7, 13, 17, 19, 21, 30],
        [3, 7, 8, 9, 13, 27, 28, 32],
        [7, 12, 13],
        [6, 10],
        [6, 10, 16],
        [16],
        [],
        [30, 32, 33],
        [33],
        [],
        [],
        [],
        [33],
        [32, 33],
        [32, 33],
        [],
        [],
        [32, 33],
        [33],
        [32, 33],
        [],
        [32, 33],
        [25, 27, 29, 32, 33],
        [25, 27, 31],
        [31],
        [29, 33],
        [33],
        [31, 33],
        [32, 33],
        [32, 33],
        [32, 33],
        [33],
        [],
    ];

    /// <summary>The instructor's faction (class 0); everyone else followed the officer (class 1).</summary>
    private static readonly int[] InstructorFaction = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 16, 17, 19, 21];

    public static IEnumerable<(int A, int B)> Edges() =>
        Friends.SelectMany((friends, a) => friends.Select(b => (a, b)));

    public static int[] Labels()
    {
        var labels = Enumerable.Repeat(1, NodeCount).ToArray();
        foreach (var i in InstructorFaction)
        {
            labels[i] = 0;
        }
        return labels;
    }
}
