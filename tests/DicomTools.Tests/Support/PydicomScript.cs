using System.Text.Json;

namespace DicomTools.Tests.Support;

/// <summary>
/// Runs a Python script with Debian's python3 (where pydicom 2.3.1 and numpy live) over files, one JSON object per
/// output line: how the cross-check tests get an independent reading of the corpus at test time. Skips the calling
/// test only when python3, pydicom or numpy is not installed; a script that fails or prints nothing fails the test.
/// </summary>
public static class PydicomScript
{
    public static void RequirePython() => ReferenceTools.RequirePython("pydicom", "numpy");

    public static List<JsonElement> RunJsonLines(string script, IEnumerable<string> files)
    {
        RequirePython();
        var path = Path.Combine(Path.GetTempPath(), $"dicomtools-{Guid.NewGuid():N}.py");
        File.WriteAllText(path, script);
        try
        {
            var output = ReferenceTools.Run(ReferenceTools.Python, new[] { path }.Concat(files));
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
