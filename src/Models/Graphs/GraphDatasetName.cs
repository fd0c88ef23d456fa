namespace FedOrleans.Models.Graphs;

/// <summary>The node-classification graphs FedOrleans can load. Spec files spell them in lower case.</summary>
public enum GraphDatasetName
{
    /// <summary>Planetoid Cora, provided with the project (shared/data/planetoid): 2,708 papers, 1,433 words, 7 classes, the standard 140/500/1,000 split.</summary>
    Cora,

    /// <summary>Adamic and Glance's political blogs (graph-tool collection): 1,490 blogs, 2 leanings; each blog's <c>source</c> directory is a natural client.</summary>
    Polblogs,

    /// <summary>Krebs' books about US politics (graph-tool collection): 105 books, 3 leanings.</summary>
    Polbooks,

    /// <summary>Girvan and Newman's American college football (graph-tool collection): 115 teams, 12 conferences.</summary>
    Football,

    /// <summary>Zachary's karate club with its two factions, built in (34 members, 78 ties).</summary>
    Karate,
}
