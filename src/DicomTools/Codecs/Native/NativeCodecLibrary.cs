using System.Reflection;
using System.Runtime.InteropServices;

namespace DicomTools.Codecs.Native;

/// <summary>
/// One optional native codec library (CharLS, OpenJPEG), loaded on first use and shared by every decoder that needs
/// it. Loading is lazy so that a machine without the library still opens files in every other transfer syntax; the
/// outcome (handle or failure) is decided once, thread-safely, and a failure becomes a <see cref="CodecException"/>
/// that names the file to install. The library is never unloaded: function pointers handed out stay valid for the
/// life of the process.
/// </summary>
internal sealed class NativeCodecLibrary
{
    private readonly Lazy<IntPtr> _handle;

    /// <param name="purpose">What needs the library, e.g. "JPEG-LS decoding".</param>
    /// <param name="libraryName">Its common name, e.g. "CharLS".</param>
    /// <param name="candidateNames">File names (or paths) to try in order; the first one also names the library in
    /// the error message.</param>
    /// <param name="installHint">How to get it on this platform, e.g. "`apt-get install libcharls2`".</param>
    public NativeCodecLibrary(string purpose, string libraryName, IReadOnlyList<string> candidateNames, string installHint)
    {
        if (candidateNames.Count == 0) throw new ArgumentException("at least one library name is needed", nameof(candidateNames));
        Purpose = purpose;
        LibraryName = libraryName;
        CandidateNames = candidateNames;
        InstallHint = installHint;
        _handle = new Lazy<IntPtr>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Purpose { get; }
    public string LibraryName { get; }
    public IReadOnlyList<string> CandidateNames { get; }
    public string InstallHint { get; }

    /// <summary>The message users see when the library cannot be loaded.</summary>
    public string MissingMessage =>
        $"{Purpose} needs the {LibraryName} library ({CandidateNames[0]}): install it, e.g. {InstallHint}";

    /// <summary>The loaded library; throws <see cref="CodecException"/> (every time, cached) when it is absent.</summary>
    public IntPtr Handle => _handle.Value;

    /// <summary>Address of an exported function that the decoder cannot work without.</summary>
    public IntPtr GetRequiredExport(string name)
    {
        if (NativeLibrary.TryGetExport(Handle, name, out var address)) return address;
        throw new CodecException(
            $"{Purpose}: the loaded {LibraryName} library has no function '{name}' (too old a version?): install a current one, e.g. {InstallHint}");
    }

    /// <summary>Address of an export that only newer versions have, or zero.</summary>
    public IntPtr GetOptionalExport(string name) =>
        NativeLibrary.TryGetExport(Handle, name, out var address) ? address : IntPtr.Zero;

    private IntPtr Load()
    {
        // The assembly-relative overload looks beside DicomTools.dll first (where a Windows user drops the DLL),
        // then asks the operating system's loader, which knows the distribution's library directories.
        var assembly = typeof(NativeCodecLibrary).Assembly;
        foreach (var name in CandidateNames)
        {
            if (TryLoad(name, assembly, out var handle)) return handle;
        }
        // Lazy<T> caches this exception and rethrows it on every later use: the lookup is not repeated per frame.
        throw new CodecException(MissingMessage);
    }

    private static bool TryLoad(string name, Assembly assembly, out IntPtr handle)
    {
        try
        {
            return NativeLibrary.TryLoad(name, assembly, searchPath: null, out handle);
        }
        catch (Exception ex) when (ex is ArgumentException or BadImageFormatException)
        {
            // A library of the wrong architecture counts as absent; the next candidate may fit.
            handle = IntPtr.Zero;
            return false;
        }
    }
}

/// <summary>The native codec libraries DicomTools can use, with each platform's file names and install advice.</summary>
internal static class NativeLibraries
{
    private static readonly Lazy<NativeCodecLibrary> s_charLs = new(CreateCharLs);
    private static readonly Lazy<NativeCodecLibrary> s_openJpeg = new(CreateOpenJpeg);

    public static NativeCodecLibrary CharLs => s_charLs.Value;

    public static NativeCodecLibrary OpenJpeg => s_openJpeg.Value;

    private static NativeCodecLibrary CreateCharLs()
    {
        const string purpose = "JPEG-LS decoding", name = "CharLS";
        if (OperatingSystem.IsWindows())
        {
            var archName = RuntimeInformation.ProcessArchitecture == Architecture.X86 ? "charls-2-x86.dll" : "charls-2-x64.dll";
            return new(purpose, name, [archName, "charls.dll"],
                "`vcpkg install charls` and put charls-2-x64.dll beside DicomTools.dll or on PATH");
        }
        if (OperatingSystem.IsMacOS())
        {
            return new(purpose, name,
                ["libcharls.2.dylib", "libcharls.dylib", "/opt/homebrew/lib/libcharls.2.dylib", "/usr/local/lib/libcharls.2.dylib"],
                "`brew install charls`");
        }
        return new(purpose, name, ["libcharls.so.2", "libcharls.so"], "`apt-get install libcharls2`");
    }

    private static NativeCodecLibrary CreateOpenJpeg()
    {
        const string purpose = "JPEG 2000 decoding", name = "OpenJPEG";
        if (OperatingSystem.IsWindows())
        {
            return new(purpose, name, ["openjp2.dll"],
                "`vcpkg install openjpeg` (or the OpenJPEG release zip) and put openjp2.dll beside DicomTools.dll or on PATH");
        }
        if (OperatingSystem.IsMacOS())
        {
            return new(purpose, name,
                ["libopenjp2.7.dylib", "libopenjp2.dylib", "/opt/homebrew/lib/libopenjp2.7.dylib", "/usr/local/lib/libopenjp2.7.dylib"],
                "`brew install openjpeg`");
        }
        return new(purpose, name, ["libopenjp2.so.7", "libopenjp2.so"], "`apt-get install libopenjp2-7`");
    }
}
