using Xunit;

namespace DicomTools.Tests.Support;

/// <summary>
/// Guards for tests that read the shared corpus: they report "skipped" with the reason when the corpus is absent
/// (a user's machine without ../shared), and run in full whenever it is present (CI).
/// </summary>
public static class CorpusFacts
{
    public const string AbsentReason = "shared corpus not found (../shared/corpus beside the repository, or DICOMTOOLS_CORPUS)";

    /// <summary>Skips the calling <c>[SkippableFact]</c>/<c>[SkippableTheory]</c> when the corpus is absent.</summary>
    public static void RequireCorpus() => Skip.If(TestCorpus.Directory is null, AbsentReason);

    /// <summary>Path of a corpus file, skipping the test when the corpus is absent.</summary>
    public static string File(string fileName)
    {
        RequireCorpus();
        return TestCorpus.PathOf(fileName);
    }
}
