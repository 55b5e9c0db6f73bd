namespace DicomTools.Commands;

/// <summary>
/// Lets the Pester tests make the per-file work fail like a bug would, to prove every cmdlet applies
/// <see cref="ErrorPolicy"/> the same way. Internal, off unless a test sets it by reflection, and only ever throws.
/// </summary>
internal static class TestHooks
{
    /// <summary>File name (no folder) whose work throws an InvalidOperationException; null (the default) for none.</summary>
    internal static volatile string? FailOnFileName;

    /// <summary>How many times <see cref="Check"/> ran: the jobs started, so a test can see how far work runs ahead of
    /// the consumer.</summary>
    internal static int Started;

    /// <summary>Called inside the per-file work, serial and parallel alike. Never inlined: once the JIT's profile
    /// inlines the job delegate into the runner, an inlined hook would vanish from the stack trace the tests read.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static void Check(string path)
    {
        Interlocked.Increment(ref Started);
        var name = FailOnFileName;
        if (name is not null && string.Equals(System.IO.Path.GetFileName(path), name, StringComparison.Ordinal))
            throw new InvalidOperationException($"injected failure for {name} (test hook)");
    }
}
