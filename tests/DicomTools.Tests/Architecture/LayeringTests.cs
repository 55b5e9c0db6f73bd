using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace DicomTools.Tests.Architecture;

/// <summary>
/// The folders of src/DicomTools follow the order the data flows: Dicom -> Codecs -> Pixels -> Imaging -> Export ->
/// Commands, and a folder never uses a later one. Samples (the synthetic CT written for demos and benchmarks) uses
/// Dicom only and is used by no other folder. The check reads the sources, so it covers internal types, fully
/// qualified names ("Imaging.DicomLut") and usings alike.
/// </summary>
public class LayeringTests
{
    private static readonly string[] Order = { "Dicom", "Codecs", "Pixels", "Imaging", "Export", "Commands" };
    private const string Samples = "Samples";

    [Fact]
    public void No_folder_uses_a_later_one()
    {
        var root = Path.Combine(SolutionDirectory(), "src", "DicomTools");
        var sources = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(relative => !relative.Split('/').Any(part => part is "bin" or "obj"))
            .Select(relative => (relative, File.ReadAllText(Path.Combine(root, relative))))
            .ToList();

        var result = Check(sources);

        Assert.True(result.TypeCount > 50, $"only {result.TypeCount} type declarations found under {root}: the check is not reading the sources");
        Assert.All(Order.Append(Samples), layer => Assert.Contains(sources, s => LayerOf(s.relative) == layer));
        Assert.True(result.Violations.Count == 0,
            "folders use later folders (order " + string.Join(" -> ", Order) + "):" + Environment.NewLine + string.Join(Environment.NewLine, result.Violations));
    }

    [Fact]
    public void The_check_finds_a_later_namespace_a_qualified_name_and_a_later_type()
    {
        var sources = new List<(string, string)>
        {
            ("Pixels/Frame.cs", "namespace DicomTools.Pixels;\npublic sealed class PixelThing { }\n"),
            ("Imaging/Lut.cs", "namespace DicomTools.Imaging;\ninternal sealed record class ImagingLut(int A);\npublic enum ImagingKind { A }\n"),
            ("Codecs/Bad.cs",
                "using DicomTools.Imaging;\nnamespace DicomTools.Codecs;\n// ImagingLut in a comment is fine\n" +
                "class BadCodec { string s = \"PixelThing in a string is fine\"; Imaging.ImagingKind k; PixelThing p; }\n" +
                "class AlsoBad { ImagingKind Kind => $\"{new ImagingLut(1)}\"; }\n"),
            ("Imaging/Misplaced.cs", "namespace DicomTools.Pixels;\npublic class LooksEarly { }\n"),
            ("Samples/Phantom.cs", "namespace DicomTools.Samples;\nstatic class Phantom { }\n"),
            ("Export/UsesSamples.cs", "namespace DicomTools.Export;\nclass Writer { object o = Samples.Phantom.Make(); }\n"),
        };

        var violations = Check(sources).Violations;

        Assert.Contains(violations, v => v.StartsWith("Codecs/Bad.cs:1:", StringComparison.Ordinal) && v.Contains("DicomTools.Imaging"));
        Assert.Contains(violations, v => v.StartsWith("Codecs/Bad.cs:4:", StringComparison.Ordinal) && v.Contains("Imaging."));
        Assert.Contains(violations, v => v.StartsWith("Codecs/Bad.cs:5:", StringComparison.Ordinal) && v.Contains("type ImagingKind"));
        Assert.Contains(violations, v => v.StartsWith("Codecs/Bad.cs:5:", StringComparison.Ordinal) && v.Contains("type ImagingLut"));
        Assert.Contains(violations, v => v.StartsWith("Imaging/Misplaced.cs:1:", StringComparison.Ordinal) && v.Contains("namespace DicomTools.Pixels in folder Imaging"));
        Assert.Contains(violations, v => v.StartsWith("Codecs/Bad.cs:4:", StringComparison.Ordinal) && v.Contains("PixelThing"));
        Assert.Contains(violations, v => v.StartsWith("Export/UsesSamples.cs:2:", StringComparison.Ordinal) && v.Contains("Samples"));
        Assert.DoesNotContain(violations, v => v.StartsWith("Codecs/Bad.cs:3:", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.StartsWith("Pixels/", StringComparison.Ordinal) || v.StartsWith("Imaging/Lut.cs", StringComparison.Ordinal) || v.StartsWith("Samples/", StringComparison.Ordinal));
    }

    private sealed record CheckResult(int TypeCount, List<string> Violations);

    // A type declaration, with its modifiers and indentation: private and nested-without-access types cannot be
    // used from another file, so only the others count.
    private static readonly Regex TypeDeclaration = new(
        @"^(?<indent>[ \t]*)(?<modifiers>(?:[a-z]+\s+)*?)(?:class|struct|record|enum|interface)\s+(?:(?:class|struct)\s+)?(?<name>[A-Z]\w*)",
        RegexOptions.Compiled | RegexOptions.Multiline);

    // A member declaration ("string? VoiLutFunction {", "int Slot(uint tag)"): a folder's own member of the same
    // name as a later folder's type is not a use of that type.
    private static readonly Regex MemberDeclaration = new(
        @"(?<![\w.])(?<type>[A-Za-z_][\w.]*(?:<[^<>()]*>)?\??(?:\[\])*)\s+(?<name>[A-Z]\w*)\s*(?:\{|=>|\(|;|=(?!=)|,|\))",
        RegexOptions.Compiled);

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "new", "return", "throw", "await", "case", "is", "as", "in", "out", "ref", "else", "yield", "goto", "typeof",
        "nameof", "sizeof", "default", "when", "and", "or", "not", "with", "class", "struct", "record", "enum",
        "interface", "namespace", "using", "static", "readonly", "const", "public", "private", "internal", "protected",
        "sealed", "abstract", "override", "virtual", "partial", "unsafe", "volatile", "extern", "async", "event",
        "implicit", "explicit", "operator", "where", "this", "base", "params", "scoped", "checked", "unchecked",
    };

    private static readonly Regex NamespaceUse = new(@"\bDicomTools\.(?<layer>[A-Za-z_]\w*)", RegexOptions.Compiled);

    private static readonly Regex FileNamespace = new(@"^\s*namespace\s+(?<name>[\w.]+)", RegexOptions.Compiled | RegexOptions.Multiline);

    // Identifiers not after a dot (a name after a dot is a member, or a type whose qualifier is checked itself).
    private static readonly Regex Identifier = new(@"(?<![\w.])(?<name>[A-Za-z_]\w*)(?<dot>\s*\.)?", RegexOptions.Compiled);

    /// <summary>Violations as "path:line: what is used", given sources as (path relative to src/DicomTools, text).</summary>
    private static CheckResult Check(IReadOnlyList<(string Path, string Text)> sources)
    {
        var files = sources
            .Select(s => (s.Path, Layer: LayerOf(s.Path), Code: StripCommentsAndStrings(s.Text)))
            .Where(f => f.Layer is not null)
            .ToList();

        // Type names by the folders that declare them, and member names by folder.
        var declaredIn = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var membersOf = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        int typeCount = 0;
        foreach (var file in files)
        {
            foreach (Match match in TypeDeclaration.Matches(file.Code))
            {
                typeCount++;
                var modifiers = match.Groups["modifiers"].Value;
                bool nested = match.Groups["indent"].Length > 0;
                bool visible = !modifiers.Contains("private") && !modifiers.Contains("file ")
                    && (!nested || modifiers.Contains("public") || modifiers.Contains("internal") || modifiers.Contains("protected"));
                if (!visible) continue;
                var name = match.Groups["name"].Value;
                if (!declaredIn.TryGetValue(name, out var layers)) declaredIn[name] = layers = new HashSet<string>();
                layers.Add(file.Layer!);
            }
            if (!membersOf.TryGetValue(file.Layer!, out var members)) membersOf[file.Layer!] = members = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match match in MemberDeclaration.Matches(file.Code))
                if (!Keywords.Contains(match.Groups["type"].Value)) members.Add(match.Groups["name"].Value);
        }

        var violations = new List<string>();
        foreach (var file in files)
        {
            var layer = file.Layer!;
            var ownMembers = membersOf[layer];
            foreach (Match match in FileNamespace.Matches(file.Code))
            {
                var expected = "DicomTools." + layer;
                var name = match.Groups["name"].Value;
                // The types users meet live in the root namespace DicomTools, whatever their folder.
                if (name != expected && name != "DicomTools" && !name.StartsWith(expected + ".", StringComparison.Ordinal))
                    violations.Add($"{file.Path}:{LineOf(file.Code, match.Index)}: namespace {name} in folder {layer} (expected {expected})");
            }
            var lines = file.Code.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                var where = $"{file.Path}:{i + 1}:";
                foreach (Match match in NamespaceUse.Matches(line))
                {
                    var used = match.Groups["layer"].Value;
                    if (IsLayer(used) && !MayUse(layer, used)) violations.Add($"{where} namespace DicomTools.{used} ({layer} may not use {used})");
                }
                foreach (Match match in Identifier.Matches(line))
                {
                    var name = match.Groups["name"].Value;
                    if (ownMembers.Contains(name)) continue;
                    // "Imaging.X" written inside namespace DicomTools (not after "DicomTools."): a qualified use of a folder.
                    if (match.Groups["dot"].Success && IsLayer(name) && !MayUse(layer, name) && !IsPartOfDicomToolsName(line, match.Index))
                        violations.Add($"{where} qualified name {name}. ({layer} may not use {name})");
                    if (declaredIn.TryGetValue(name, out var declaringLayers) && !declaringLayers.Any(d => MayUse(layer, d)))
                        violations.Add($"{where} type {name}, declared only in {string.Join(", ", declaringLayers)} ({layer} may not use it)");
                }
            }
        }
        return new CheckResult(typeCount, violations.Distinct().ToList());
    }

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    private static bool IsPartOfDicomToolsName(string line, int index) =>
        index >= "DicomTools.".Length && line.AsSpan(0, index).TrimEnd().EndsWith("DicomTools.", StringComparison.Ordinal);

    private static bool IsLayer(string name) => name == Samples || Order.Contains(name);

    /// <summary>True when code in folder <paramref name="user"/> may use folder <paramref name="used"/>.</summary>
    private static bool MayUse(string user, string used)
    {
        if (user == used) return true;
        if (used == Samples) return false; // nothing in the module builds on the sample generator
        if (user == Samples) return used == "Dicom";
        return Array.IndexOf(Order, used) < Array.IndexOf(Order, user);
    }

    /// <summary>The folder directly under src/DicomTools, or null for a file at its root (AssemblyInfo.cs).</summary>
    private static string? LayerOf(string relativePath)
    {
        var slash = relativePath.IndexOf('/');
        if (slash < 0) return null;
        var folder = relativePath[..slash];
        return IsLayer(folder) ? folder : throw new InvalidOperationException($"{relativePath}: folder {folder} is not in the layer order; add it to {nameof(LayeringTests)}");
    }

    private static string SolutionDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DicomTools.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no DicomTools.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// The code with comments, string and character literals blanked (newlines kept, so line numbers stay). The
    /// holes of interpolated strings are code and are kept. Handles //, /* */, "...", @"...", $"...", raw """...""".
    /// </summary>
    internal static string StripCommentsAndStrings(string text)
    {
        var output = new StringBuilder(text.Length);
        int i = 0;
        void Blank(int end)
        {
            for (; i < end && i < text.Length; i++) output.Append(text[i] == '\n' ? '\n' : ' ');
        }
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                int end = text.IndexOf('\n', i);
                Blank(end < 0 ? text.Length : end);
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                Blank(end < 0 ? text.Length : end + 2);
            }
            else if (c == '\'')
            {
                int end = i + 1;
                while (end < text.Length && text[end] != '\'') end += text[end] == '\\' ? 2 : 1;
                Blank(end + 1);
            }
            else if (c == '"' || (c is '$' or '@' && LiteralStart(text, i) is > 0))
            {
                SkipString(text, ref i, output);
            }
            else
            {
                output.Append(c);
                i++;
            }
        }
        return output.ToString();
    }

    /// <summary>Length of a string prefix ($, @, $@, @$) starting at <paramref name="i"/> followed by a quote, else 0.</summary>
    private static int LiteralStart(string text, int i)
    {
        int n = 0;
        while (i + n < text.Length && n < 2 && text[i + n] is '$' or '@') n++;
        return i + n < text.Length && text[i + n] == '"' ? n : 0;
    }

    private static void SkipString(string text, ref int i, StringBuilder output)
    {
        int prefix = text[i] == '"' ? 0 : LiteralStart(text, i);
        bool interpolated = text.AsSpan(i, prefix).Contains('$');
        bool verbatim = text.AsSpan(i, prefix).Contains('@');
        for (int k = 0; k < prefix; k++) output.Append(' ');
        i += prefix;
        int quotes = 0;
        while (i + quotes < text.Length && text[i + quotes] == '"') quotes++;
        if (quotes >= 3)
        {
            // Raw string literal: ends at the next run of as many quotes.
            int end = text.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
            end = end < 0 ? text.Length : end + quotes;
            for (; i < end; i++) output.Append(text[i] == '\n' ? '\n' : ' ');
            return;
        }
        output.Append(' ');
        i++; // opening quote
        while (i < text.Length)
        {
            char c = text[i];
            if (!verbatim && c == '\\') { output.Append("  "); i += 2; continue; }
            if (verbatim && c == '"' && i + 1 < text.Length && text[i + 1] == '"') { output.Append("  "); i += 2; continue; }
            if (c == '"') { output.Append(' '); i++; return; }
            if (interpolated && c == '{')
            {
                if (i + 1 < text.Length && text[i + 1] == '{') { output.Append("  "); i += 2; continue; }
                // A hole: code up to its matching brace (strings inside it are skipped in turn).
                output.Append(' ');
                i++;
                int depth = 1;
                while (i < text.Length && depth > 0)
                {
                    char h = text[i];
                    if (h == '"' || (h is '$' or '@' && LiteralStart(text, i) > 0)) { SkipString(text, ref i, output); continue; }
                    if (h == '{') depth++;
                    else if (h == '}' && --depth == 0) { output.Append(' '); i++; break; }
                    output.Append(h);
                    i++;
                }
                continue;
            }
            output.Append(c == '\n' ? '\n' : ' ');
            i++;
        }
    }
}
