namespace FedOrleans.Models.Graphs;

/// <summary>
/// The node-classification graphs FedOrleans can load. Spec files spell them in lower case; any other
/// <c>graph.dataset</c> name is a <see cref="Planetoid"/> dataset of that name.
/// </summary>
public enum GraphDatasetName
{
    /// <summary>Planetoid Cora, provided with the project (shared/data/planetoid): 2,708 papers, 1,433 words, 7 classes, the standard 140/500/1,000 split.</summary>
    Cora,

    /// <summary>Planetoid CiteSeer, when its files are in the Planetoid folder: 3,327 papers (15 of them test-range gaps without features or label), 3,703 words, 6 classes, the standard 120/500/1,000 split.</summary>
    Citeseer,

    /// <summary>Planetoid PubMed, when its files are in the Planetoid folder: 19,717 papers, 500 TF-IDF word weights, 3 classes, the standard 60/500/1,000 split.</summary>
    Pubmed,

    /// <summary>Any other dataset in the Planetoid layout (<c>ind.{name}.{x,tx,allx,y,ty,ally,graph,test.index}</c>); its name is <see cref="GraphDataSpec.PlanetoidName"/>.</summary>
    Planetoid,

    /// <summary>Adamic and Glance's political blogs (graph-tool collection): 1,490 blogs, 2 leanings; each blog's <c>source</c> directory is a natural client.</summary>
    Polblogs,

    /// <summary>Krebs' books about US politics (graph-tool collection): 105 books, 3 leanings.</summary>
    Polbooks,

    /// <summary>Girvan and Newman's American college football (graph-tool collection): 115 teams, 12 conferences.</summary>
    Football,

    /// <summary>Zachary's karate club with its two factions, built in (34 members, 78 ties).</summary>
    Karate,
}
