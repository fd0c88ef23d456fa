namespace FedOrleans.Contracts;

/// <summary>
/// The cluster's refusals: what a grain throws when a request cannot be served as asked (<see cref="SpecRefusedException"/>,
/// <see cref="DataUnavailableException"/>, <see cref="IdInUseException"/>, <see cref="NotFoundException"/>). Callers
/// handle these and nothing else: any other exception is a bug and surfaces as one.
/// </summary>
public static class Refusals
{
    public static bool IsRefusal(Exception e) =>
        e is SpecRefusedException or DataUnavailableException or IdInUseException or NotFoundException;
}
