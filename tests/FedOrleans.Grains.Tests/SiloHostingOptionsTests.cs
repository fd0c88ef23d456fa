using FedOrleans.Silo.Hosting;

namespace FedOrleans.Grains.Tests;

/// <summary>The silo's hosting options: the directory cache's size is checked like the other options (0, or at least Orleans' minimum of 3).</summary>
public sealed class SiloHostingOptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(1_000_000)]
    public void A_directory_cache_of_zero_or_more_locations_is_accepted(int size) =>
        Assert.True(new SiloHostingOptionsValidator().Validate(null, new SiloHostingOptions { DirectoryCacheSize = size }).Succeeded);

    [Theory]
    [InlineData(-5)]
    [InlineData(2)]
    public void A_negative_or_too_small_directory_cache_is_refused_with_the_switch_to_fix(int size)
    {
        var result = new SiloHostingOptionsValidator().Validate(null, new SiloHostingOptions { DirectoryCacheSize = size });
        Assert.True(result.Failed);
        Assert.Contains($"--directory-cache (FedOrleans:Silo:DirectoryCacheSize) is {size}; give the number of grain locations to cache (at least 3), or 0 for none",
            result.FailureMessage);
    }
}

/// <summary>The training options' checkpoint interval (<c>--checkpoint-every</c>): at least one round.</summary>
public sealed class TrainingOptionsTests
{
    [Fact]
    public void A_checkpoint_every_round_or_every_ten_is_accepted()
    {
        Assert.True(new TrainingOptionsValidator().Validate(null, new Training.TrainingOptions { CheckpointEvery = 1 }).Succeeded);
        Assert.True(new TrainingOptionsValidator().Validate(null, new Training.TrainingOptions { CheckpointEvery = 10 }).Succeeded);
    }

    [Fact]
    public void A_checkpoint_interval_below_one_round_is_refused_with_the_switch_to_fix()
    {
        var result = new TrainingOptionsValidator().Validate(null, new Training.TrainingOptions { CheckpointEvery = 0 });
        Assert.True(result.Failed);
        Assert.Contains("FedOrleans:Training:CheckpointEvery (--checkpoint-every, env FedOrleans__Training__CheckpointEvery) is 0", result.FailureMessage);
    }
}
