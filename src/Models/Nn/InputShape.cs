namespace FedOrleans.Models.Nn;

/// <summary>The shape of one input sample and the number of output classes.</summary>
public sealed record InputShape(int Channels, int Height, int Width, int NumClasses)
{
    public int Features => Channels * Height * Width;
}
