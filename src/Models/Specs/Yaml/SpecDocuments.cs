using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FedOrleans.Models.Specs.Yaml;

/// <summary>
/// The YAML side of every spec kind (experiments, jobs, studies): loading a document, applying <c>--set</c>
/// overrides to it, and writing it back, so that all read YAML the same way and report errors alike.
/// </summary>
public static class SpecDocuments
{
    /// <summary>
    /// Loads a YAML mapping and applies <c>path.to.key=value</c> overrides to it; null (with the error) when the
    /// text is not a YAML mapping. Shared by every spec kind (experiments, jobs) so all read YAML the same way.
    /// </summary>
    public static YamlMappingNode? LoadRoot(string yaml, IEnumerable<string>? overrides, List<SpecError> errors)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                errors.Add(new SpecError("(document)", "the spec must be a YAML mapping (key: value lines)"));
                return null;
            }
            root = mapping;
        }
        catch (YamlException e)
        {
            errors.Add(new SpecError($"(line {e.Start.Line}, column {e.Start.Column})", $"not valid YAML: {e.Message}"));
            return null;
        }
        catch (InvalidOperationException e)
        {
            errors.Add(new SpecError("(document)", $"not valid YAML: {e.Message}"));
            return null;
        }
        foreach (var o in overrides ?? [])
        {
            ApplyOverride(root, o, errors);
        }
        return root;
    }

    /// <summary>The YAML text of <paramref name="root"/> (overrides applied): what is sent to the cluster.</summary>
    public static string Canonical(YamlMappingNode root)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static void ApplyOverride(YamlMappingNode root, string assignment, List<SpecError> errors)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0)
        {
            errors.Add(new SpecError($"--set {assignment}", "must look like path.to.key=value, e.g. --set rounds=5"));
            return;
        }
        var path = assignment[..eq].Trim().Split('.');
        var text = assignment[(eq + 1)..].Trim();
        YamlNode value;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader("v: " + text));
            value = ((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("v")];
        }
        catch (YamlException e)
        {
            errors.Add(new SpecError(assignment[..eq], $"--set value '{text}' is not valid YAML: {e.Message}"));
            return;
        }
        var node = root;
        for (int i = 0; i < path.Length - 1; i++)
        {
            var key = new YamlScalarNode(path[i]);
            if (!node.Children.TryGetValue(key, out var child) || child is not YamlMappingNode childMapping)
            {
                childMapping = new YamlMappingNode();
                node.Children[key] = childMapping;
            }
            node = childMapping;
        }
        node.Children[new YamlScalarNode(path[^1])] = value;
    }
}
