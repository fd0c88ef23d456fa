using System.Diagnostics;
using FedOrleans.Client.Connection;
using FedOrleans.Grains.Training;
using FedOrleans.Silo.Hosting;
using Orleans.Hosting.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace FedOrleans.Client.Tests;

/// <summary>
/// Renders k8s/overlays with `kubectl kustomize` and checks that what the manifests set is what the
/// code reads: Orleans' Kubernetes-hosting labels and environment variables, FedOrleans' configuration
/// keys and silo switches, the RBAC Orleans needs, and the GPU overlay's device and resources.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static string Root()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "FedOrleans.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }
        return dir;
    }

    private static List<YamlMappingNode> Render(string overlay)
    {
        var psi = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(Root(), "k8s", "overlays", overlay)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("kubectl not found (Debian: apt-get install kubernetes-client)");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {overlay} failed: {error}");
        var stream = new YamlStream();
        stream.Load(new StringReader(output));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)]);

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    private static YamlMappingNode Find(List<YamlMappingNode> docs, string kind, string name) =>
        docs.Single(d => Text(d, "kind") == kind && Text(d, "metadata", "name") == name);

    private static string EnvKey(string section, string property) => section.Replace(":", "__", StringComparison.Ordinal) + "__" + property;

    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("gpu", "cuda")]
    public void Rendered_manifests_set_what_the_code_reads(string overlay, string device)
    {
        var docs = Render(overlay);
        var silo = Find(docs, "Deployment", "fedorleans-silo");
        var pod = At(silo, "spec", "template");
        var labels = (YamlMappingNode)At(pod, "metadata", "labels");
        Assert.Equal("fedorleans", Text(labels, KubernetesHostingOptions.ServiceIdLabel));
        Assert.Equal("fedorleans", Text(labels, KubernetesHostingOptions.ClusterIdLabel));
        Assert.Equal("fedorleans", Text(silo, "spec", "selector", "matchLabels", KubernetesHostingOptions.ServiceIdLabel));

        var container = (YamlMappingNode)((YamlSequenceNode)At(pod, "spec", "containers")).Children[0];
        var env = ((YamlSequenceNode)At(container, "env")).Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name"), e => e);
        foreach (var name in new[]
        {
            KubernetesHostingOptions.PodNameEnvironmentVariable, KubernetesHostingOptions.PodNamespaceEnvironmentVariable,
            KubernetesHostingOptions.PodIPEnvironmentVariable, KubernetesHostingOptions.ServiceIdEnvironmentVariable,
            KubernetesHostingOptions.ClusterIdEnvironmentVariable,
        })
        {
            Assert.True(env.ContainsKey(name), $"{overlay}: the silo needs env {name} (Orleans Kubernetes hosting reads it)");
        }
        Assert.Equal("fedorleans-redis:6379", Text(env[EnvKey(SiloHostingOptions.Section, nameof(SiloHostingOptions.Redis))], "value"));
        Assert.Equal(device, Text(env[EnvKey(TrainingOptions.Section, nameof(TrainingOptions.Device))], "value"));
        Assert.True(env.ContainsKey(Models.Data.DataCache.EnvironmentVariable));

        var args = ((YamlSequenceNode)At(container, "args")).Select(a => ((YamlScalarNode)a).Value!).ToList();
        Assert.All(args.Where(a => a.StartsWith("--", StringComparison.Ordinal)), a => Assert.True(FedOrleansHost.Switches.ContainsKey(a), $"unknown silo switch {a}"));
        Assert.Equal("kubernetes", args[args.IndexOf("--clustering") + 1]);
        Assert.Equal("/healthz", Text(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("true", Text(pod, "spec", "automountServiceAccountToken"));

        var role = Find(docs, "Role", "orleans-hosting");
        var rule = (YamlMappingNode)((YamlSequenceNode)At(role, "rules")).Children[0];
        Assert.Equal(["delete", "get", "list", "patch", "watch"], ((YamlSequenceNode)At(rule, "verbs")).Select(v => ((YamlScalarNode)v).Value!).Order());
        Assert.Equal("fedorleans-silo", Text(((YamlSequenceNode)At(Find(docs, "RoleBinding", "orleans-hosting"), "subjects")).Children[0], "name"));
        Assert.Equal(Text(pod, "spec", "serviceAccountName"), Text(Find(docs, "ServiceAccount", "fedorleans-silo"), "metadata", "name"));

        var job = Find(docs, "Job", "fedorleans-quickstart");
        var jobArgs = ((YamlSequenceNode)At((YamlMappingNode)((YamlSequenceNode)At(job, "spec", "template", "spec", "containers")).Children[0], "args"))
            .Select(a => ((YamlScalarNode)a).Value!).ToList();
        Assert.True(ClusterAddress.Parse(jobArgs[jobArgs.IndexOf("--cluster") + 1]).Redis);
        Assert.True(File.Exists(Path.Combine(Root(), jobArgs[1])), $"the console job runs {jobArgs[1]}, which must exist");

        var resources = (YamlMappingNode)At(container, "resources");
        bool hasGpu = ((YamlMappingNode)At(resources, "limits")).Children.ContainsKey(new YamlScalarNode("nvidia.com/gpu"));
        Assert.Equal(device == "cuda", hasGpu);
    }
}
