using System.Text.Json;

namespace DicomTools.Tests.Support;

/// <summary>
/// A class fixture that runs a Python script embedded in the test assembly (Imaging/*.py) once, in a folder of its
/// own, and keeps the JSON object it prints on each line by its "name": the fixture files and the independent
/// expected values of one family of cases. A missing tool skips the tests; a script that runs and fails fails them.
/// </summary>
public abstract class EmbeddedScriptFixture : IDisposable
{
    private readonly string _resource;
    private Dictionary<string, JsonElement>? _cases;

    /// <param name="resource">The script's file name in Imaging/, e.g. "OverlayFixtures.py".</param>
    protected EmbeddedScriptFixture(string resource) => _resource = resource;

    /// <summary>The folder the script writes its files into; deleted with the fixture.</summary>
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"dicomtools-fixtures-{Guid.NewGuid():N}");

    public Dictionary<string, JsonElement> Cases
    {
        get
        {
            lock (this)
            {
                RequireTools();
                return _cases ??= Make();
            }
        }
    }

    /// <summary>Skips (through <see cref="ReferenceTools"/>) when a tool or file the script needs is missing.</summary>
    protected abstract void RequireTools();

    /// <summary>Arguments after the output folder (asked for only once the tools are known present).</summary>
    protected virtual IEnumerable<string> ScriptArguments() => Array.Empty<string>();

    private Dictionary<string, JsonElement> Make()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var script = Path.Combine(Directory, "make.py");
        using (var stream = typeof(EmbeddedScriptFixture).Assembly.GetManifestResourceStream($"DicomTools.Tests.Imaging.{_resource}")
            ?? throw new InvalidOperationException($"no embedded script {_resource}"))
        using (var file = File.Create(script)) stream.CopyTo(file);
        var output = ReferenceTools.Run(ReferenceTools.Python, new[] { script, Directory }.Concat(ScriptArguments()));
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(e => e.GetProperty("name").GetString()!);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
