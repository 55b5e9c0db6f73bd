using System.IO.Enumeration;
using System.Management.Automation;

namespace DicomTools.Commands;

/// <summary>
/// Expands a -Path wildcard on the file system straight from the directory listing, without the provider's round
/// trip per match (which costs more than reading a DICOM header). It gives what
/// <c>GetResolvedProviderPathFromPSPath</c> gives on Unix: PowerShell wildcards (*, ?, [a-z], backtick escapes)
/// matched without regard to case, hidden entries (dot-files) left out, and each folder's matches listed folders
/// first, then files, each group in the current culture's case-insensitive order. Anything it is not sure of
/// (drives, ~, provider qualifiers, .. after a wildcard, no match at all, Windows) returns false and the caller asks
/// the provider, so errors and unusual paths behave exactly as before.
/// </summary>
internal static class FileSystemWildcard
{
    private static readonly EnumerationOptions Listing = new()
    {
        AttributesToSkip = 0, // hidden entries are judged below, as the provider judges them
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    /// <param name="input">The -Path value as typed (wildcards, escapes).</param>
    /// <param name="currentDirectory">The current location's provider path when it is on the file system, else null.</param>
    /// <param name="matches">Full paths of the matches, in the provider's order, each with whether the listing saw a
    /// folder (so the caller need not ask the file system again).</param>
    public static bool TryExpand(string input, string? currentDirectory, out List<(string Path, bool IsFolder)> matches)
    {
        matches = new List<(string Path, bool IsFolder)>();
        // The provider sorts listings on Unix only; Windows keeps the provider path until it is checked there.
        if (OperatingSystem.IsWindows()) return false;
        var path = StripFileSystemQualifier(input);
        if (path.Length == 0 || path[0] == '~' || path.Contains(':') || path.Contains('\\')) return false;

        var segments = path.Split('/');
        var first = Array.FindIndex(segments, WildcardPattern.ContainsWildcardCharacters);
        if (first < 0 || first == segments.Length - 1 && segments[first].Length == 0) return false;
        var rest = segments[first..].Where(segment => segment.Length > 0).ToArray();
        if (rest.Length == 0 || segments[^1].Length == 0 || rest.Any(segment => segment is "." or "..")) return false;
        // The provider matches nothing for an escape beside a wildcard ('k`[1`]*') and refuses a bad pattern:
        // both are left to it, so they stay exactly as they were.
        if (rest.Any(segment => segment.Contains('`') && WildcardPattern.ContainsWildcardCharacters(segment))) return false;

        var prefix = string.Join('/', segments[..first].Select(WildcardPattern.Unescape));
        if (prefix.Length == 0 && path[0] == '/') prefix = "/";
        string root;
        if (System.IO.Path.IsPathFullyQualified(prefix)) root = System.IO.Path.GetFullPath(prefix);
        else if (currentDirectory is null) return false;
        else root = System.IO.Path.GetFullPath(System.IO.Path.Join(currentDirectory, prefix));
        if (!Directory.Exists(root)) return false;

        try
        {
            matches.AddRange(Expand(root, rest));
        }
        catch (WildcardPatternException)
        {
            return false;
        }
        return matches.Count > 0; // no match: the provider decides what that means (nothing, or an error)
    }

    private static IEnumerable<(string Path, bool IsFolder)> Expand(string root, string[] rest)
    {
        IEnumerable<(string Path, bool IsFolder)> level = new[] { (root, true) };
        for (var i = 0; i < rest.Length; i++)
        {
            var last = i == rest.Length - 1;
            var segment = rest[i];
            if (!WildcardPattern.ContainsWildcardCharacters(segment))
            {
                // A plain segment after a wildcard one: an exact name, kept when it exists (a folder, unless last).
                var name = WildcardPattern.Unescape(segment);
                level = level.Select(folder => System.IO.Path.Join(folder.Path, name))
                    .Where(candidate => last ? System.IO.Path.Exists(candidate) : Directory.Exists(candidate))
                    .Select(candidate => (candidate, Directory.Exists(candidate))).ToList();
                continue;
            }
            var pattern = new WildcardPattern(segment, WildcardOptions.IgnoreCase);
            level = level.SelectMany(folder => List(folder.Path, pattern, foldersOnly: !last)).ToList();
        }
        return level;
    }

    private static string StripFileSystemQualifier(string input)
    {
        foreach (var qualifier in new[] { "Microsoft.PowerShell.Core\\FileSystem::", "FileSystem::" })
        {
            if (input.StartsWith(qualifier, StringComparison.OrdinalIgnoreCase)) return input[qualifier.Length..];
        }
        return input;
    }

    /// <summary>One folder's visible entries matching <paramref name="pattern"/>: folders, then files, each sorted.</summary>
    private static IEnumerable<(string Path, bool IsFolder)> List(string folder, WildcardPattern pattern, bool foldersOnly)
    {
        var entries = new FileSystemEnumerable<(string Name, bool IsFolder)>(folder,
            (ref FileSystemEntry entry) => (entry.FileName.ToString(), IsFolder(ref entry)), Listing)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                !IsHidden(ref entry) && (!foldersOnly || IsFolder(ref entry)) && pattern.IsMatch(entry.FileName.ToString()),
        };
        return entries
            .OrderBy(entry => entry.IsFolder ? 0 : 1)
            .ThenBy(entry => entry.Name, StringComparer.CurrentCultureIgnoreCase)
            .Select(entry => (System.IO.Path.Join(folder, entry.Name), entry.IsFolder));
    }

    private static bool IsHidden(ref FileSystemEntry entry) =>
        entry.FileName.StartsWith(".") || (entry.Attributes & FileAttributes.Hidden) != 0;

    /// <summary>A folder, or a link to one (the provider lists those with the folders).</summary>
    private static bool IsFolder(ref FileSystemEntry entry)
    {
        if (entry.IsDirectory) return true;
        return (entry.Attributes & FileAttributes.ReparsePoint) != 0 && Directory.Exists(entry.ToFullPath());
    }
}
