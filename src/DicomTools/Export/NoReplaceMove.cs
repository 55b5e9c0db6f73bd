using System.Runtime.InteropServices;
using System.Text;

namespace DicomTools.Export;

/// <summary>
/// Moves a file to a name that must not exist yet, atomically. .NET's <c>File.Move(src, dst, overwrite: false)</c>
/// on Unix checks for the destination (lstat) and then calls rename(2), which replaces silently: two writers racing
/// for one name can both "succeed" and one file is lost (seen with strace on .NET 10). link(2) instead fails with
/// EEXIST atomically, so on Unix the move is link-then-unlink. It also never follows a symbolic link planted at the
/// destination. On Windows, File.Move maps to MoveFileEx without REPLACE_EXISTING, which is already atomic.
/// </summary>
internal static unsafe class NoReplaceMove
{
    private static readonly delegate* unmanaged<byte*, byte*, int> s_link = LoadLink();

    /// <summary>Moves <paramref name="source"/> to <paramref name="destination"/>; false when the destination exists.</summary>
    public static bool TryMove(string source, string destination)
    {
        if (OperatingSystem.IsWindows() || s_link == null)
            return MoveWithFramework(source, destination);

        byte[] sourceBytes = NullTerminatedUtf8(source);
        byte[] destinationBytes = NullTerminatedUtf8(destination);
        int result;
        fixed (byte* s = sourceBytes)
        fixed (byte* d = destinationBytes)
            result = s_link(s, d);

        if (result == 0)
        {
            // The file is in place under its final name. A temporary name that cannot be removed is a leftover,
            // not a failure of the write.
            try
            {
                File.Delete(source);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
            return true;
        }
        // errno is not read (a function-pointer call does not preserve it reliably); what matters is whether the
        // name is taken. Any other failure (no permission, file system without hard links such as FAT or some
        // network shares) goes to the framework's move, which either works (without the atomic guarantee) or
        // throws an exception that names the real problem.
        if (Exists(destination))
            return false;
        return MoveWithFramework(source, destination);
    }

    private static bool MoveWithFramework(string source, string destination)
    {
        try
        {
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (Exists(destination))
        {
            return false;
        }
    }

    private static bool Exists(string path)
    {
        // A dangling symbolic link also occupies the name.
        return File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;
    }

    private static byte[] NullTerminatedUtf8(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    private static delegate* unmanaged<byte*, byte*, int> LoadLink()
    {
        if (OperatingSystem.IsWindows())
            return null;
        // glibc/musl Linux, FreeBSD, macOS; "libc" last for whatever else the loader can resolve.
        foreach (string name in new[] { "libc.so.6", "libc.so.7", "/usr/lib/libSystem.B.dylib", "libc" })
        {
            if (NativeLibrary.TryLoad(name, out IntPtr library) && NativeLibrary.TryGetExport(library, "link", out IntPtr link))
                return (delegate* unmanaged<byte*, byte*, int>)link;
        }
        return null;
    }
}
