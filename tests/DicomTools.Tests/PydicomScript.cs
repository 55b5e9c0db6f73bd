using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace DicomTools.Tests;

/// <summary>
/// Runs a Python script with Debian's python3 (where pydicom 2.3.1 and numpy live) over files, one JSON object per
/// output line: how the cross-check tests get an independent reading of the corpus at test time. Skips the calling
/// test when that python or pydicom is not installed.
/// </summary>
public static class PydicomScript
{
    public const string Python = "/usr/bin/python3";

    public static void RequirePython() => Skip.IfNot(File.Exists(Python), "pydicom's python (/usr/bin/python3) not installed");

    public static List<JsonElement> RunJsonLines(string script, IEnumerable<string> files)
    {
        RequirePython();
        var path = Path.Combine(Path.GetTempPath(), $"dicomtools-{Guid.NewGuid():N}.py");
        File.WriteAllText(path, script);
        try
        {
            var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(path);
            foreach (var f in files) start.ArgumentList.Add(f);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            while (process.StandardOutput.ReadLine() is { } line) lines.Add(line);
            process.WaitForExit();
            Skip.If(process.ExitCode != 0 && lines.Count == 0, "pydicom did not run: " + stderr.Result);
            return lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
