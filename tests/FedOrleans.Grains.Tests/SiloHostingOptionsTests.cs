using FedOrleans.Silo.Hosting;

namespace FedOrleans.Grains.Tests;

/// <summary>The silo's hosting options: the directory cache's size is checked like the other options.</summary>
public sealed class SiloHostingOptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1_000_000)]
    public void A_directory_cache_of_zero_or_more_locations_is_accepted(int size) =>
        Assert.True(new SiloHostingOptionsValidator().Validate(null, new SiloHostingOptions { DirectoryCacheSize = size }).Succeeded);

    [Fact]
    public void A_negative_directory_cache_is_refused_with_the_switch_to_fix()
    {
        var result = new SiloHostingOptionsValidator().Validate(null, new SiloHostingOptions { DirectoryCacheSize = -5 });
        Assert.True(result.Failed);
        Assert.Contains("--directory-cache (FedOrleans:Silo:DirectoryCacheSize) is -5", result.FailureMessage);
    }
}
