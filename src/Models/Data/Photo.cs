using SkiaSharp;

namespace FedOrleans.Models.Data;

/// <summary>A decoded colour photo: interleaved RGB bytes, row-major.</summary>
public sealed record Photo(int Width, int Height, byte[] Rgb)
{
    public static Photo Decode(string path)
    {
        using var decoded = SKBitmap.Decode(path)
            ?? throw new DataFormatException(path, "not a decodable image (corrupt JPEG?); fetch it again with `fedorleans data fetch --force`");
        using var rgba = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!decoded.CopyTo(rgba, SKColorType.Rgba8888))
        {
            throw new DataFormatException(path, "could not convert the image to RGBA");
        }
        var pixels = rgba.GetPixelSpan();
        var rgb = new byte[decoded.Width * decoded.Height * 3];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = pixels[j];
            rgb[i + 1] = pixels[j + 1];
            rgb[i + 2] = pixels[j + 2];
        }
        return new Photo(decoded.Width, decoded.Height, rgb);
    }
}
