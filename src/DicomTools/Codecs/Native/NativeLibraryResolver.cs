using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DicomTools.Codecs.Native;

/// <summary>
/// The one place that decides where a native codec library is loaded from: first the module's own folder, in the
/// NuGet layout (<c>runtimes/&lt;rid&gt;/native/</c>) and then beside DicomTools.dll, and only then the operating
/// system's loader (distribution library directories, PATH, LD_LIBRARY_PATH). A library shipped with the module
/// therefore wins over an older one installed on the machine. The same order serves the function-pointer codecs
/// (<see cref="NativeCodecLibrary"/>) and any [DllImport] in this assembly, through the resolver registered once
/// when the assembly loads.
/// </summary>
internal static class NativeLibraryResolver
{
    private static readonly Assembly s_assembly = typeof(NativeLibraryResolver).Assembly;
    private static readonly Lazy<IReadOnlyList<string>> s_moduleDirectories = new(FindModuleDirectories);

    /// <summary>Runs when the assembly loads: [DllImport]s of this assembly resolve through <see cref="Resolve"/>.</summary>
    // CA2255 warns libraries off module initializers; registering the assembly's own resolver before any P/Invoke
    // can run is the case they exist for, and PowerShell offers no other hook that runs first.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => NativeLibrary.SetDllImportResolver(s_assembly, Resolve);

    /// <summary>The folders searched before the system, most specific first.</summary>
    public static IReadOnlyList<string> ModuleDirectories => s_moduleDirectories.Value;

    /// <summary>Loads the first of <paramref name="candidateNames"/> that loads, searching the module's folders for
    /// each bare file name before asking the system; <paramref name="loadedFrom"/> is the path or name that loaded.</summary>
    public static bool TryLoad(IReadOnlyList<string> candidateNames, out IntPtr handle, out string? loadedFrom)
    {
        foreach (var directory in ModuleDirectories)
        {
            foreach (var name in candidateNames)
            {
                if (Path.IsPathRooted(name)) continue;
                var path = Path.Combine(directory, name);
                if (File.Exists(path) && TryLoadOne(path, out handle))
                {
                    loadedFrom = path;
                    return true;
                }
            }
        }
        foreach (var name in candidateNames)
        {
            // The plain overload goes straight to the OS loader (dlopen / LoadLibrary), never back through this resolver.
            if (TryLoadOne(name, out handle))
            {
                loadedFrom = name;
                return true;
            }
        }
        handle = IntPtr.Zero;
        loadedFrom = null;
        return false;
    }

    /// <summary>The module-local folder names for this process, e.g. runtimes/linux-x64/native.</summary>
    public static IReadOnlyList<string> RuntimeFolderNames()
    {
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var names = new List<string>();
        // Alpine and other musl systems use their own RID; glibc binaries do not load there.
        if (os == "linux" && RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.OrdinalIgnoreCase))
        {
            names.Add(Path.Combine("runtimes", $"linux-musl-{arch}", "native"));
        }
        names.Add(Path.Combine("runtimes", $"{os}-{arch}", "native"));
        return names;
    }

    /// <summary>The [DllImport] resolver: the handle, or zero to let the runtime's own probing try.</summary>
    internal static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        // A known codec name ("openjp2", "charls") maps to its per-platform file names; anything else is tried as given.
        var candidates = NativeLibraries.CandidatesFor(libraryName) ?? new[] { libraryName };
        return TryLoad(candidates, out var handle, out _) ? handle : IntPtr.Zero;
    }

    private static List<string> FindModuleDirectories()
    {
        var location = s_assembly.Location;
        var baseDirectory = string.IsNullOrEmpty(location) ? AppContext.BaseDirectory : Path.GetDirectoryName(location)!;
        // DicomTools.dll sits in the module folder itself, where users put runtimes/<rid>/native/.
        var directories = RuntimeFolderNames().Select(name => Path.Combine(baseDirectory, name)).ToList();
        directories.Add(baseDirectory);
        return directories;
    }

    private static bool TryLoadOne(string nameOrPath, out IntPtr handle)
    {
        try
        {
            return NativeLibrary.TryLoad(nameOrPath, out handle);
        }
        catch (Exception ex) when (ex is ArgumentException or BadImageFormatException)
        {
            // A library of the wrong architecture counts as absent; the next candidate may fit.
            handle = IntPtr.Zero;
            return false;
        }
    }
}
