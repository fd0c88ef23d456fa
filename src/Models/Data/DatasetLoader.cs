namespace FedOrleans.Models.Data;

/// <summary>Loads a fetched dataset from the cache into memory (pixels scaled to [0, 1]).</summary>
public static class DatasetLoader
{
    public static DatasetSplits Load(DatasetName name, DataCache cache)
    {
        var entry = DatasetCatalog.Get(name);
        foreach (var file in entry.Files)
        {
            _ = cache.CachedFile(entry, file); // every file must be there before any is read
        }
        string P(int i) => cache.FilePath(entry, entry.Files[i]);
        return name switch
        {
            DatasetName.Mnist or DatasetName.FashionMnist or DatasetName.MnistM or DatasetName.Digits28 => new DatasetSplits(
                LoadIdx(entry, P(0), P(1), entry.TrainCount),
                LoadIdx(entry, P(2), P(3), entry.TestCount)),
            DatasetName.Digits => LoadDigits(entry, P(0)),
            DatasetName.BrownCorpus or DatasetName.MobyDick or DatasetName.StateOfTheUnion =>
                throw new ArgumentException($"{entry.Key} is a text corpus: load it with TextCorpus.Load"),
            DatasetName.SpamAssassin =>
                throw new ArgumentException($"{entry.Key} is a labelled text collection: load it with LabeledTexts.Load"),
            DatasetName.Llama3Tokenizer or DatasetName.MistralTokenizer =>
                throw new ArgumentException($"{entry.Key} is a tokenizer: unpack it with TokenizerPackages.Folder"),
            _ => throw new ArgumentException($"{entry.Key} is a collection of photos used to build other datasets, not a training set"),
        };
    }

    /// <summary>
    /// The training labels only (what a partition needs), without loading the images: the console
    /// partitions for clients.csv without a second copy of the pixels an embedded silo already holds.
    /// </summary>
    public static int[] LoadTrainLabels(DatasetName name, DataCache cache)
    {
        var entry = DatasetCatalog.Get(name);
        if (name is DatasetName.Mnist or DatasetName.FashionMnist or DatasetName.MnistM or DatasetName.Digits28)
        {
            var path = cache.FilePath(entry, entry.Files[1]);
            var labels = IdxReader.ReadLabels(path, entry.NumClasses);
            if (labels.Length != entry.TrainCount)
            {
                throw new DataFormatException(path, $"holds {labels.Length} labels, expected {entry.TrainCount}");
            }
            return Array.ConvertAll(labels, b => (int)b);
        }
        return Load(name, cache).Train.Labels;
    }

    /// <summary>Reads an IDX image/label pair and checks it against the catalog's counts and shape.</summary>
    public static Dataset LoadIdx(CatalogEntry entry, string imagesPath, string labelsPath, int expectedCount)
    {
        var (count, channels, rows, cols, pixels) = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath, entry.NumClasses);
        if (count != expectedCount || channels != entry.Channels || rows != entry.Height || cols != entry.Width)
        {
            throw new DataFormatException(imagesPath, $"holds {count} images of {channels}x{rows}x{cols}, expected {expectedCount} of {entry.Channels}x{entry.Height}x{entry.Width}");
        }
        if (labels.Length != count)
        {
            throw new DataFormatException(labelsPath, $"holds {labels.Length} labels for {count} images in {imagesPath}");
        }
        return new Dataset(entry.Key, pixels, 1f / 255, Array.ConvertAll(labels, b => (int)b), channels, rows, cols, entry.NumClasses);
    }

    private static DatasetSplits LoadDigits(CatalogEntry entry, string path)
    {
        var (pixels, labels) = DigitsCsvReader.Read(path);
        if (labels.Length != entry.TrainCount + entry.TestCount)
        {
            throw new DataFormatException(path, $"holds {labels.Length} samples, expected {entry.TrainCount + entry.TestCount}");
        }
        const int d = DigitsCsvReader.Side * DigitsCsvReader.Side;
        var train = (Pixels: new List<byte>(), Labels: new List<int>());
        var test = (Pixels: new List<byte>(), Labels: new List<int>());
        for (int i = 0; i < labels.Length; i++)
        {
            var part = i % DatasetCatalog.DigitsTestStride == 0 ? test : train;
            for (int j = 0; j < d; j++)
            {
                part.Pixels.Add((byte)pixels[i * d + j]);
            }
            part.Labels.Add(labels[i]);
        }
        Dataset Make((List<byte> P, List<int> L) p) =>
            new(entry.Key, p.P.ToArray(), 1f / DigitsCsvReader.MaxValue, p.L.ToArray(), 1, DigitsCsvReader.Side, DigitsCsvReader.Side, entry.NumClasses);
        return new DatasetSplits(Make(train), Make(test));
    }
}
