using System.Runtime.InteropServices;

namespace DicomTools.Codecs.Native;

/// <summary>
/// One optional native codec library (CharLS, OpenJPEG, libjxl), loaded on first use and shared by every decoder that needs
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

    /// <summary>Where the library was loaded from (a path in the module folder, or the name the system resolved);
    /// null until it is loaded.</summary>
    public string? LoadedFrom { get; private set; }

    private IntPtr Load()
    {
        if (NativeLibraryResolver.TryLoad(CandidateNames, out var handle, out var loadedFrom))
        {
            LoadedFrom = loadedFrom;
            return handle;
        }
        // Lazy<T> caches this exception and rethrows it on every later use: the lookup is not repeated per frame.
        throw new CodecException(MissingMessage);
    }
}

/// <summary>The native codec libraries DicomTools can use, with each platform's file names and install advice.</summary>
internal static class NativeLibraries
{
    private static readonly Lazy<NativeCodecLibrary> s_charLs = new(CreateCharLs);
    private static readonly Lazy<NativeCodecLibrary> s_openJpeg = new(CreateOpenJpeg);
    private static readonly Lazy<NativeCodecLibrary> s_jpegXl = new(CreateJpegXl);

    public static NativeCodecLibrary CharLs => s_charLs.Value;

    public static NativeCodecLibrary OpenJpeg => s_openJpeg.Value;

    public static NativeCodecLibrary JpegXl => s_jpegXl.Value;

    /// <summary>The file names of a library named in a [DllImport] ("charls", "openjp2", "jxl", or one of its file names),
    /// or null when it is not one of ours.</summary>
    public static IReadOnlyList<string>? CandidatesFor(string libraryName)
    {
        foreach (var library in new[] { CharLs, OpenJpeg, JpegXl })
        {
            if (string.Equals(libraryName, library.LibraryName, StringComparison.OrdinalIgnoreCase)
                || library.CandidateNames.Contains(libraryName, StringComparer.OrdinalIgnoreCase))
            {
                return library.CandidateNames;
            }
        }
        return libraryName.ToLowerInvariant() switch
        {
            "charls" => CharLs.CandidateNames,
            "openjp2" or "openjpeg" => OpenJpeg.CandidateNames,
            "jxl" => JpegXl.CandidateNames,
            _ => null,
        };
    }

    private static NativeCodecLibrary CreateCharLs()
    {
        const string purpose = "JPEG-LS decoding", name = "CharLS";
        if (OperatingSystem.IsWindows())
        {
            var archName = RuntimeInformation.ProcessArchitecture == Architecture.X86 ? "charls-2-x86.dll" : "charls-2-x64.dll";
            return new(purpose, name, [archName, "charls.dll"],
                "`vcpkg install charls` and put charls-2-x64.dll in the module's runtimes\\win-x64\\native folder or on PATH");
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
                "`vcpkg install openjpeg` (or the OpenJPEG release zip) and put openjp2.dll in the module's runtimes\\win-x64\\native folder or on PATH");
        }
        if (OperatingSystem.IsMacOS())
        {
            return new(purpose, name,
                ["libopenjp2.7.dylib", "libopenjp2.dylib", "/opt/homebrew/lib/libopenjp2.7.dylib", "/usr/local/lib/libopenjp2.7.dylib"],
                "`brew install openjpeg`");
        }
        return new(purpose, name, ["libopenjp2.so.7", "libopenjp2.so"], "`apt-get install libopenjp2-7`");
    }

    /// <summary>
    /// libjxl: Debian 12's 0.7 first. The declarations in <see cref="JpegXl.JpegXlApi"/> are the same in 0.7 to 0.11
    /// (checked against each release's headers), so a later release found on the machine serves as well.
    /// </summary>
    private static NativeCodecLibrary CreateJpegXl()
    {
        const string purpose = "JPEG XL decoding", name = "libjxl";
        if (OperatingSystem.IsWindows())
        {
            return new(purpose, name, ["jxl.dll", "libjxl.dll"],
                "`vcpkg install libjxl` (or the libjxl release zip) and put jxl.dll in the module's runtimes\\win-x64\\native folder or on PATH");
        }
        if (OperatingSystem.IsMacOS())
        {
            return new(purpose, name,
                ["libjxl.dylib", "libjxl.0.11.dylib", "libjxl.0.10.dylib", "libjxl.0.9.dylib", "libjxl.0.8.dylib", "libjxl.0.7.dylib",
                 "/opt/homebrew/lib/libjxl.dylib", "/usr/local/lib/libjxl.dylib"],
                "`brew install jpeg-xl`");
        }
        return new(purpose, name,
            ["libjxl.so.0.7", "libjxl.so.0.8", "libjxl.so.0.9", "libjxl.so.0.10", "libjxl.so.0.11", "libjxl.so"],
            "`apt-get install libjxl0.7`");
    }
}
