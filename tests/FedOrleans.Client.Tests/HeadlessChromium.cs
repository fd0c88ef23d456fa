using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FedOrleans.Client.Tests;

/// <summary>
/// A real headless Chromium (Debian package <c>chromium</c>) driven over the DevTools protocol: open a page,
/// evaluate JavaScript in it. Enough to test a live page without a browser-automation dependency.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static string Executable() =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("no Chromium found on PATH: install the Debian package (apt-get install chromium); .ci/run does");

    /// <summary>Starts Chromium on <paramref name="url"/> and attaches to the page.</summary>
    public static async Task<HeadlessChromium> OpenAsync(string url, TimeSpan timeout)
    {
        var profile = Directory.CreateTempSubdirectory("fedorleans-chromium-").FullName;
        var psi = new ProcessStartInfo(Executable()) { RedirectStandardError = true, RedirectStandardOutput = true };
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        foreach (var arg in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", $"--user-data-dir={profile}", "about:blank" })
        {
            psi.ArgumentList.Add(arg);
        }
        var process = Process.Start(psi)!;
        var browser = new HeadlessChromium(process, profile);
        try
        {
            var endpoint = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var log = new StringBuilder();
            process.ErrorDataReceived += (_, e) =>
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
                const string marker = "DevTools listening on ";
                if (e.Data?.Contains(marker, StringComparison.Ordinal) == true)
                {
                    endpoint.TrySetResult(e.Data[(e.Data.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim());
                }
            };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            string browserSocket;
            try
            {
                browserSocket = await endpoint.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                lock (log)
                {
                    throw new TimeoutException($"Chromium did not open its DevTools endpoint within {timeout}; its output:\n{log}");
                }
            }
            // ws://127.0.0.1:PORT/devtools/browser/ID -> PUT http://127.0.0.1:PORT/json/new?URL opens the page and names its socket.
            var http = new Uri(new Uri(browserSocket.Replace("ws://", "http://", StringComparison.Ordinal)), "/json/new?" + url);
            using var client = new HttpClient();
            using var opened = await client.PutAsync(http, null);
            opened.EnsureSuccessStatusCode();
            var pageSocket = JsonNode.Parse(await opened.Content.ReadAsStringAsync())?["webSocketDebuggerUrl"]?.GetValue<string>()
                ?? throw new InvalidOperationException($"Chromium's /json/new answered without a page socket");
            await browser._socket.ConnectAsync(new Uri(pageSocket), CancellationToken.None);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page and returns its value as JSON (null for undefined).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression, bool awaitPromise = false)
    {
        int id = ++_nextId;
        var request = new JsonObject
        {
            ["id"] = id,
            ["method"] = "Runtime.evaluate",
            ["params"] = new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = awaitPromise },
        };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        while (true)
        {
            var message = JsonNode.Parse(await ReceiveAsync())!;
            if ((int?)message["id"] != id)
            {
                continue; // an event, or the answer to an earlier call
            }
            if (message["result"]?["exceptionDetails"] is { } error)
            {
                throw new InvalidOperationException($"the page threw evaluating {expression}: {error.ToJsonString()}");
            }
            return message["result"]?["result"]?["value"]?.DeepClone();
        }
    }

    /// <summary>
    /// Waits until <paramref name="expression"/> is true in the page: the page itself re-checks it on every DOM
    /// change (a MutationObserver), so the test reacts to the update rather than sleeping. Re-armed only if
    /// the page navigates (its JavaScript context is replaced while it loads).
    /// </summary>
    public async Task WaitUntilAsync(string expression, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            int ms = (int)Math.Max(1, (deadline - DateTime.UtcNow).TotalMilliseconds);
            var script = $$"""
                new Promise(resolve => {
                  const check = () => { try { return Boolean({{expression}}); } catch { return false; } };
                  if (check()) { resolve(true); return; }
                  const observer = new MutationObserver(() => { if (check()) { observer.disconnect(); clearTimeout(timer); resolve(true); } });
                  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
                  const timer = setTimeout(() => { observer.disconnect(); resolve(false); }, {{ms}});
                })
                """;
            try
            {
                if ((await EvaluateAsync(script, awaitPromise: true))?.GetValue<bool>() == true)
                {
                    return;
                }
            }
            catch (InvalidOperationException e)
            {
                // The page navigated or was still loading (its context was replaced): arm the observer again.
                lastError = e.Message;
            }
        }
        var body = await EvaluateAsync("document.body ? document.body.innerText : document.readyState");
        throw new TimeoutException($"{what}: not within {timeout}; last error: {lastError ?? "none"}; the page shows:\n{body}");
    }

    private async Task<string> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(message.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be flushing its profile; a temp folder left behind is harmless.
        }
    }
}
