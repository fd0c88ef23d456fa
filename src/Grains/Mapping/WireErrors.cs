using FedOrleans.Contracts;
using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Specs.Yaml;

namespace FedOrleans.Grains.Mapping;

/// <summary>
/// Models' exceptions have no Orleans codec (Models does not reference Orleans), so at a grain
/// boundary they are re-thrown as the built-in exception type that means the same thing, message intact.
/// </summary>
public static class WireErrors
{
    /// <summary>True for the Models exceptions that describe bad input or bad data rather than a bug.</summary>
    public static bool IsModelError(Exception e) =>
        e is DataFormatException or DataFetchException or PartitionException or SpecException or SimulatedClientFailureException;

    /// <summary>
    /// The wire form: <see cref="SpecRefusedException"/> for bad specs and partitions, <see cref="DataUnavailableException"/>
    /// for data that cannot be fetched or read, <see cref="InvalidOperationException"/> for the rest.
    /// </summary>
    public static Exception ForWire(Exception e) => e switch
    {
        SpecException or PartitionException => new SpecRefusedException(e.Message),
        DataFormatException or DataFetchException => new DataUnavailableException(e.Message),
        _ => new InvalidOperationException(e.Message),
    };
}
