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

    private static List<YamlMappingNode> Render(string overlay)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(RenderText(overlay)));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static string RenderText(string overlay)
    {
        var (exit, output, error) = Run("kubectl", ["kustomize", Path.Combine(Cli.RepositoryRoot, "k8s", "overlays", overlay)], null, "kubectl not found (Debian: apt-get install kubernetes-client)");
        Assert.True(exit == 0, $"kubectl kustomize {overlay} failed: {error}");
        return output;
    }

    private static (int Exit, string Output, string Error) Run(string program, string[] args, string? input, string missing, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            WorkingDirectory = workingDirectory ?? "",
        };
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(missing, e);
        }
        using (process)
        {
            if (input is not null)
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result, error);
        }
    }

    /// <summary>Runs tools/k8s-validate (npm kubernetes-models) on <paramref name="manifests"/>; installs it first if .ci/run has not.</summary>
    private static (int Exit, string Output) ValidateSchemas(string manifests)
    {
        var tool = Path.Combine(Cli.RepositoryRoot, "tools", "k8s-validate");
        if (!Directory.Exists(Path.Combine(tool, "node_modules", "kubernetes-models")))
        {
            var (installed, output, error) = Run("npm", ["ci", "--no-audit", "--no-fund"], null, "npm not found (Debian: apt-get install npm)", tool);
            Assert.True(installed == 0, $"npm ci in tools/k8s-validate failed:\n{output}\n{error}");
        }
        var (exit, stdout, stderr) = Run("node", ["validate.mjs"], manifests, "node not found (Debian: apt-get install nodejs)", tool);
        return (exit, stdout + stderr);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void Rendered_manifests_validate_against_the_Kubernetes_API_schemas(string overlay)
    {
        var (exit, output) = ValidateSchemas(RenderText(overlay));
        Assert.True(exit == 0, $"the {overlay} overlay has objects the Kubernetes API would reject:\n{output}");
        Assert.Contains("8 objects, 0 invalid", output);
    }

    [Fact]
    public void The_schema_check_rejects_an_object_the_API_would_reject()
    {
        // The silo Deployment with a replica count the API server refuses: the check must say so, by path.
        var broken = RenderText("cpu").Replace("replicas: 3", "replicas: three", StringComparison.Ordinal);
        Assert.Contains("replicas: three", broken);
        var (exit, output) = ValidateSchemas(broken);
        Assert.Equal(1, exit);
        Assert.Contains("INVALID apps/v1 Deployment fedorleans-silo", output);
        Assert.Contains("replicas must be integer", output);
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
        var gpuJobs = EnvKey(TrainingOptions.Section, nameof(TrainingOptions.GpuJobs));
        Assert.Equal(device == "cuda", env.ContainsKey(gpuJobs));
        if (device == "cuda")
        {
            Assert.True(int.Parse(Text(env[gpuJobs], "value"), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        }

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
        Assert.True(File.Exists(Path.Combine(Cli.RepositoryRoot, jobArgs[1])), $"the console job runs {jobArgs[1]}, which must exist");

        var resources = (YamlMappingNode)At(container, "resources");
        bool hasGpu = ((YamlMappingNode)At(resources, "limits")).Children.ContainsKey(new YamlScalarNode("nvidia.com/gpu"));
        Assert.Equal(device == "cuda", hasGpu);
    }
}
