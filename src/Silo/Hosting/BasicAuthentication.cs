using System.Security.Cryptography;
using System.Text;

namespace FedOrleans.Silo.Hosting;

/// <summary>HTTP basic authentication for the paths under one prefix (the dashboard); constant-time comparison.</summary>
public sealed class BasicAuthentication(RequestDelegate next, string user, string password, string prefix)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes($"{user}:{password}");

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(prefix) || Authorized(context.Request.Headers.Authorization.ToString()))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"FedOrleans\", charset=\"UTF-8\"";
    }

    private bool Authorized(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            return CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(header[6..].Trim()), _expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
