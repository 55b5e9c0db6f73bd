namespace DicomTools.Tests.Support;

/// <summary>Finds the shared corpus (../shared/corpus beside the repository) for tests that need real files.</summary>
public static class TestCorpus
{
    public static string? Directory { get; } = Find();

    public static string PathOf(string fileName) =>
        System.IO.Path.Combine(Directory ?? throw new InvalidOperationException("corpus not found"), fileName);

    private static string? Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("DICOMTOOLS_CORPUS");
        if (!string.IsNullOrEmpty(fromEnv) && System.IO.Directory.Exists(fromEnv)) return fromEnv;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "corpus");
            if (File.Exists(System.IO.Path.Combine(candidate, "MANIFEST.tsv"))) return candidate;
        }
        return null;
    }
}
