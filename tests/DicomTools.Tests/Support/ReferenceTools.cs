using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using DicomTools.Codecs;
using DicomTools.Codecs.Native;
using Xunit;

namespace DicomTools.Tests.Support;

/// <summary>
/// The one place that decides whether a test may skip: only when a reference tool, Python module or native library
/// is not installed, which is checked explicitly (a PATH lookup, an import, the loader's cache). Once the tool is
/// there, a run that crashes, exits non-zero or prints nothing fails the test: a broken reference is not a skip.
/// </summary>
internal static class ReferenceTools
{
    public const string Python = "/usr/bin/python3";

    private static readonly ConcurrentDictionary<string, bool> s_installed = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="executable"/> is an executable file on PATH (what `which` answers).</summary>
    public static bool IsInstalled(string executable) => s_installed.GetOrAdd("exe:" + executable, _ => FindOnPath(executable) is not null);

    /// <summary>Skips the calling test unless <paramref name="executable"/> is on PATH.</summary>
    public static void RequireTool(string executable) =>
        Skip.IfNot(IsInstalled(executable), $"reference tool {executable} is not installed");

    /// <summary>Whether Debian's python3 can import every module named (checked once per module).</summary>
    public static bool IsPythonInstalled(params string[] modules) =>
        File.Exists(Python) && modules.All(m => s_installed.GetOrAdd("py:" + m, _ => CanImport(m)));

    /// <summary>Skips the calling test unless python3 and each module are installed.</summary>
    public static void RequirePython(params string[] modules)
    {
        Skip.IfNot(File.Exists(Python), $"{Python} is not installed");
        foreach (var module in modules)
            Skip.IfNot(s_installed.GetOrAdd("py:" + module, _ => CanImport(module)), $"the Python module {module} is not installed for {Python}");
    }

    /// <summary>
    /// Skips unless the native library is installed; once it is, it must load (a library that is present but does
    /// not load is a failure, not a skip).
    /// </summary>
    public static void RequireNativeLibrary(NativeCodecLibrary library)
    {
        if (OperatingSystem.IsLinux())
        {
            Skip.IfNot(library.CandidateNames.Any(IsInLoaderCache), library.MissingMessage);
            try
            {
                Assert.NotEqual(IntPtr.Zero, library.Handle);
            }
            catch (CodecException e)
            {
                Assert.Fail($"{library.LibraryName} is installed but does not load: {e.Message}");
            }
            return;
        }
        // Elsewhere a library can be anywhere the loader looks: trying to load it is the presence check.
        try
        {
            _ = library.Handle;
        }
        catch (CodecException e)
        {
            throw new SkipException(e.Message);
        }
    }

    /// <summary>
    /// Runs a reference tool that must succeed: fails the test when it cannot start, runs past
    /// <paramref name="timeout"/>, exits non-zero, or (with <paramref name="requireOutput"/>) prints nothing.
    /// Call <see cref="RequireTool"/> (or <see cref="RequirePython"/>) first.
    /// </summary>
    public static string Run(string executable, IEnumerable<string> arguments, string? standardInput = null,
        bool requireOutput = true, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = standardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        var what = $"{executable} {string.Join(' ', start.ArgumentList.Take(3))}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{what}: could not start");
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromMinutes(10);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{what}: still running after {limit.TotalSeconds:0} s");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{what}: exit code {process.ExitCode}: {Tail(error.Result)}");
        Assert.True(!requireOutput || output.Result.Length > 0, $"{what}: printed nothing (stderr: {Tail(error.Result)})");
        return output.Result;
    }

    /// <summary>Runs a Python script (given as text) with Debian's python3; see <see cref="Run"/>.</summary>
    public static string RunPython(string script, IEnumerable<string>? arguments = null, bool requireOutput = true, TimeSpan? timeout = null) =>
        Run(Python, new[] { "-" }.Concat(arguments ?? Array.Empty<string>()), script, requireOutput, timeout);

    private static string Tail(string text) => text.Length <= 2000 ? text : "..." + text[^2000..];

    private static bool CanImport(string module)
    {
        // `python3 -c "import m"` is the presence check; only "no such module" means absent.
        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import " + module);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 0) return true;
        Assert.True(error.Result.Contains("ModuleNotFoundError", StringComparison.Ordinal),
            $"{Python} has {module} but importing it fails: {Tail(error.Result)}");
        return false;
    }

    private static string? FindOnPath(string executable)
    {
        if (Path.IsPathRooted(executable)) return File.Exists(executable) ? executable : null;
        var extensions = OperatingSystem.IsWindows() ? new[] { ".exe", ".cmd", ".bat", "" } : new[] { "" };
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, executable + extension);
                if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
                    return candidate;
            }
        }
        return null;
    }

    private static readonly Lazy<string> s_loaderCache = new(() =>
    {
        var ldconfig = FindOnPath("ldconfig") ?? (File.Exists("/sbin/ldconfig") ? "/sbin/ldconfig" : null);
        return ldconfig is null ? "" : Run(ldconfig, new[] { "-p" });
    });

    private static bool IsInLoaderCache(string name) =>
        s_loaderCache.Value.Contains(name + " ", StringComparison.Ordinal) || (Path.IsPathRooted(name) && File.Exists(name));
}
