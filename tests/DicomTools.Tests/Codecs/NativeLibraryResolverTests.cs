using System.Runtime.InteropServices;
using DicomTools.Codecs.Native;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>Where native codecs come from: the module's runtimes/&lt;rid&gt;/native folder, then beside the
/// assembly, then the system; [DllImport]-style names resolve through the same resolver. (That a copy in the module
/// folder is the one loaded is checked end to end in tests/Pester/Package.Tests.ps1 through /proc/self/maps.)</summary>
public sealed class NativeLibraryResolverTests
{
    [Fact]
    public void TheModuleFoldersComeFirstMostSpecificFirst()
    {
        var assemblyDirectory = Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location)!;
        var directories = NativeLibraryResolver.ModuleDirectories;

        Assert.Equal(assemblyDirectory, directories[^1]);
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        Assert.Contains(Path.Combine(assemblyDirectory, "runtimes", $"{os}-{arch}", "native"), directories);
        Assert.Contains(assemblyDirectory, directories);
    }

    [Fact]
    public void ALibraryMissingEverywhereIsReportedAsMissing()
    {
        Assert.False(NativeLibraryResolver.TryLoad(new[] { "libdicomtools-absent-for-a-test.so.1" }, out var handle, out var from));
        Assert.Equal(IntPtr.Zero, handle);
        Assert.Null(from);
    }

    [Fact]
    public void TheResolverIsRegisteredForTheAssemblyWhenItLoads()
    {
        var assembly = typeof(NativeLibraryResolver).Assembly;
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);

        // Only one resolver per assembly: a second registration fails when ours is in place.
        Assert.Throws<InvalidOperationException>(() => NativeLibrary.SetDllImportResolver(assembly, (_, _, _) => IntPtr.Zero));
    }

    [SkippableFact]
    public void AShortDllImportNameResolvesToThePlatformLibrary()
    {
        // "openjp2" is no file name the system loader knows (Debian ships libopenjp2.so.7 only): the resolver maps it
        // to the platform's candidate names, as it will for a [DllImport("openjp2")].
        ReferenceTools.RequireNativeLibrary(NativeLibraries.OpenJpeg);

        var handle = NativeLibraryResolver.Resolve("openjp2", typeof(NativeLibraryResolver).Assembly, null);

        Assert.NotEqual(IntPtr.Zero, handle);
        Assert.True(NativeLibrary.TryGetExport(handle, "opj_version", out _));
        Assert.Equal(IntPtr.Zero, NativeLibraryResolver.Resolve("libdicomtools-absent-for-a-test", typeof(NativeLibraryResolver).Assembly, null));
    }

    [Fact]
    public void KnownCodecNamesMapToTheirPlatformFiles()
    {
        Assert.Same(NativeLibraries.OpenJpeg.CandidateNames, NativeLibraries.CandidatesFor("openjp2"));
        Assert.Same(NativeLibraries.CharLs.CandidateNames, NativeLibraries.CandidatesFor("CharLS"));
        Assert.Same(NativeLibraries.CharLs.CandidateNames, NativeLibraries.CandidatesFor(NativeLibraries.CharLs.CandidateNames[0]));
        Assert.Null(NativeLibraries.CandidatesFor("libsomething-else"));
    }
}
