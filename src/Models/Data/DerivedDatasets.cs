
namespace FedOrleans.Models.Data;

/// <summary>
/// Builds the datasets made from others: MNIST-M (Ganin et al. 2016: each MNIST digit blended with a
/// random 28x28 patch of a real colour photo as <c>|patch - digit|</c> per channel) and UCI digits at
/// 28x28 in 3 channels. Deterministic: a fixed seed, single-threaded; the catalog pins the SHA-256 of
/// every file built, so a different result on another machine is reported, not used silently.
/// </summary>
public static class DerivedDatasets
{
    /// <summary>The seed of MNIST-M's photo and patch choices.</summary>
    public const int MnistMSeed = 20160526;

    public const int Side = 28;

    /// <summary>Builds <paramref name="entry"/>'s files into <paramref name="folder"/> from its (already fetched) sources.</summary>
    public static void Build(CatalogEntry entry, DataCache cache, string folder)
    {
        switch (entry.Name)
        {
            case DatasetName.MnistM:
                BuildMnistM(cache, folder);
                break;
            case DatasetName.Digits28:
                BuildDigits28(cache, folder);
                break;
            default:
                throw new ArgumentException($"{entry.Key} is not a derived dataset");
        }
    }

    /// <summary>MNIST-M images for a split: every MNIST digit over a patch of one of <paramref name="photos"/>.</summary>
    public static byte[] BlendWithPhotos(Dataset mnist, IReadOnlyList<Photo> photos, int seed)
    {
        var random = new Random(seed);
        const int plane = Side * Side;
        var output = new byte[mnist.Count * 3 * plane];
        for (int i = 0; i < mnist.Count; i++)
        {
            var photo = photos[random.Next(photos.Count)];
            int x0 = random.Next(photo.Width - Side + 1);
            int y0 = random.Next(photo.Height - Side + 1);
            var digit = mnist.Sample(i);
            int baseOut = i * 3 * plane;
            for (int c = 0; c < 3; c++)
            {
                for (int y = 0; y < Side; y++)
                {
                    for (int x = 0; x < Side; x++)
                    {
                        int p = photo.Rgb[((y0 + y) * photo.Width + x0 + x) * 3 + c];
                        output[baseOut + c * plane + y * Side + x] = (byte)Math.Abs(p - digit[y * Side + x]);
                    }
                }
            }
        }
        return output;
    }

    /// <summary>Bilinear upsampling of square grey images to 28x28, values rescaled to 0..255, replicated to 3 channels.</summary>
    public static byte[] UpsampleToRgb28(Dataset source)
    {
        int side = source.Height;
        const int plane = Side * Side;
        var output = new byte[source.Count * 3 * plane];
        float toByte = source.Scale * 255f;
        for (int i = 0; i < source.Count; i++)
        {
            var img = source.Sample(i);
            for (int y = 0; y < Side; y++)
            {
                // Pixel centres aligned (align_corners = false), clamped at the borders.
                float sy = Math.Clamp((y + 0.5f) * side / Side - 0.5f, 0, side - 1);
                int y1 = (int)sy, y2 = Math.Min(y1 + 1, side - 1);
                float fy = sy - y1;
                for (int x = 0; x < Side; x++)
                {
                    float sx = Math.Clamp((x + 0.5f) * side / Side - 0.5f, 0, side - 1);
                    int x1 = (int)sx, x2 = Math.Min(x1 + 1, side - 1);
                    float fx = sx - x1;
                    float v = (1 - fy) * ((1 - fx) * img[y1 * side + x1] + fx * img[y1 * side + x2])
                              + fy * ((1 - fx) * img[y2 * side + x1] + fx * img[y2 * side + x2]);
                    var b = (byte)Math.Clamp(MathF.Round(v * toByte), 0, 255);
                    for (int c = 0; c < 3; c++)
                    {
                        output[i * 3 * plane + c * plane + y * Side + x] = b;
                    }
                }
            }
        }
        return output;
    }

    /// <summary>Decodes the JPEG photos of a photo collection to RGB.</summary>
    public static IReadOnlyList<Photo> LoadPhotos(DatasetName collection, DataCache cache)
    {
        var entry = DatasetCatalog.Get(collection);
        return entry.Files.Select(f => Photo.Decode(cache.FilePath(entry, f))).ToList();
    }

    private static void BuildMnistM(DataCache cache, string folder)
    {
        var mnist = DatasetLoader.Load(DatasetName.Mnist, cache);
        var trainPhotos = LoadPhotos(DatasetName.PhotosStdlib, cache);
        var testPhotos = LoadPhotos(DatasetName.PhotosSklearn, cache);
        var entry = DatasetCatalog.Get(DatasetName.MnistM);
        IdxReader.WriteColourImages(Path.Combine(folder, entry.Files[0].CacheName), mnist.Train.Count, 3, Side, Side, BlendWithPhotos(mnist.Train, trainPhotos, MnistMSeed));
        IdxReader.WriteLabels(Path.Combine(folder, entry.Files[1].CacheName), mnist.Train.Labels);
        IdxReader.WriteColourImages(Path.Combine(folder, entry.Files[2].CacheName), mnist.Test.Count, 3, Side, Side, BlendWithPhotos(mnist.Test, testPhotos, MnistMSeed + 1));
        IdxReader.WriteLabels(Path.Combine(folder, entry.Files[3].CacheName), mnist.Test.Labels);
    }

    private static void BuildDigits28(DataCache cache, string folder)
    {
        var digits = DatasetLoader.Load(DatasetName.Digits, cache);
        var entry = DatasetCatalog.Get(DatasetName.Digits28);
        IdxReader.WriteColourImages(Path.Combine(folder, entry.Files[0].CacheName), digits.Train.Count, 3, Side, Side, UpsampleToRgb28(digits.Train));
        IdxReader.WriteLabels(Path.Combine(folder, entry.Files[1].CacheName), digits.Train.Labels);
        IdxReader.WriteColourImages(Path.Combine(folder, entry.Files[2].CacheName), digits.Test.Count, 3, Side, Side, UpsampleToRgb28(digits.Test));
        IdxReader.WriteLabels(Path.Combine(folder, entry.Files[3].CacheName), digits.Test.Labels);
    }
}
