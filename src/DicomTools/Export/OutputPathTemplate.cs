using System.Globalization;
using System.Text;

namespace DicomTools.Export;

/// <summary>
/// An output path template such as <c>out/{PatientID}/{SeriesNumber}_{InstanceNumber:0000}_{Frame}.png</c>.
/// <list type="bullet">
/// <item><c>{Keyword}</c>: any DICOM attribute keyword; its value comes from the lookup passed to
/// <see cref="Expand"/> (so this class does not depend on the reader).</item>
/// <item><c>{BaseName}</c>: the source file name without its extension (see <see cref="SourceBaseName"/>).</item>
/// <item><c>{Frame}</c>: the 0-based frame number, the same numbering as <c>DicomDisplayImage.Frame</c>.</item>
/// <item><c>{Name:000}</c>: a run of 1-10 zeros pads an integer value to that many digits (<c>{Frame:000}</c> gives
/// 007); a header value that is not an integer is left as it is.</item>
/// <item><c>{{</c> and <c>}}</c> write a literal brace.</item>
/// </list>
/// Built-in names match case-insensitively; keywords are passed to the lookup as written.
/// <para>
/// Token values come from file headers and are untrusted, so each is passed through <see cref="SanitizeValue"/>,
/// which keeps it a single, harmless file-name fragment: the expanded path never leaves the folder the user's own
/// literal text names. The literal text is the user's and is not changed (<c>../out/{X}.png</c> is allowed).
/// </para>
/// </summary>
internal sealed class OutputPathTemplate
{
    public const string BaseNameToken = "BaseName";
    public const string FrameToken = "Frame";

    /// <summary>What a missing, empty or all-blank value becomes, so a path never has an empty segment.</summary>
    public const string MissingValuePlaceholder = "unknown";

    /// <summary>
    /// Longest sanitised token value, in UTF-16 code units. Keeps a segment made of a few tokens and the user's text
    /// under the 255-unit file-name limit of common file systems, whatever a header holds.
    /// </summary>
    public const int MaxTokenValueLength = 100;

    private const int MaxPadDigits = 10;

    private readonly Part[] _parts;

    private OutputPathTemplate(string template, Part[] parts, List<string> tokenNames)
    {
        Template = template;
        _parts = parts;
        TokenNames = tokenNames.AsReadOnly();
        HeaderKeywords = tokenNames.Where(n => !IsBuiltIn(n)).ToList().AsReadOnly();
        UsesFrame = tokenNames.Any(n => IsBuiltIn(n, FrameToken));
    }

    /// <summary>The template as the user wrote it.</summary>
    public string Template { get; }

    /// <summary>Every distinct token name in order of first use, built-ins included, as written.</summary>
    public IReadOnlyList<string> TokenNames { get; }

    /// <summary>The token names that need a header value (all but BaseName and Frame).</summary>
    public IReadOnlyList<string> HeaderKeywords { get; }

    /// <summary>True when the template has a {Frame} token; without one, the frames of a multi-frame file collide.</summary>
    public bool UsesFrame { get; }

    /// <summary>
    /// Parses and checks a template before any file is read.
    /// </summary>
    /// <param name="template">The template text.</param>
    /// <param name="isKnownKeyword">Says whether a name is a DICOM keyword (e.g. the dictionary's lookup). When null,
    /// any name made of ASCII letters and digits starting with a letter is accepted.</param>
    /// <exception cref="ArgumentException">Unbalanced braces, a malformed token, or unknown token names (all listed).</exception>
    public static OutputPathTemplate Parse(string template, Func<string, bool>? isKnownKeyword = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        var parts = new List<Part>();
        var names = new List<string>();
        var unknown = new List<string>();
        var literal = new StringBuilder();

        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c == '}')
            {
                if (i + 1 < template.Length && template[i + 1] == '}')
                {
                    literal.Append('}');
                    i++;
                    continue;
                }
                throw new ArgumentException(
                    $"Output path template '{template}' has an unmatched '}}' at position {i}; write '}}}}' for a literal brace.",
                    nameof(template));
            }
            if (c != '{')
            {
                literal.Append(c);
                continue;
            }
            if (i + 1 < template.Length && template[i + 1] == '{')
            {
                literal.Append('{');
                i++;
                continue;
            }

            int close = template.IndexOf('}', i + 1);
            int nestedOpen = template.IndexOf('{', i + 1);
            if (close < 0 || (nestedOpen >= 0 && nestedOpen < close))
                throw new ArgumentException(
                    $"Output path template '{template}' has an unclosed '{{' at position {i}; write '{{{{' for a literal brace.",
                    nameof(template));

            string content = template.Substring(i + 1, close - i - 1);
            (string name, int padDigits) = ParseToken(template, content, i);
            if (literal.Length > 0)
            {
                parts.Add(Part.Text(literal.ToString()));
                literal.Clear();
            }
            if (IsBuiltIn(name, BaseNameToken))
                name = BaseNameToken;
            else if (IsBuiltIn(name, FrameToken))
                name = FrameToken;
            else if (isKnownKeyword is not null && !isKnownKeyword(name) && !unknown.Contains(name))
                unknown.Add(name);
            parts.Add(Part.Token(name, padDigits));
            if (!names.Contains(name))
                names.Add(name);
            i = close;
        }
        if (literal.Length > 0)
            parts.Add(Part.Text(literal.ToString()));

        if (unknown.Count > 0)
            throw new ArgumentException(
                $"Output path template '{template}' uses unknown token{(unknown.Count > 1 ? "s" : "")} "
                + string.Join(", ", unknown.Select(n => "{" + n + "}"))
                + $". Use a DICOM keyword (e.g. {{PatientID}}, {{SeriesNumber}}), {{{BaseNameToken}}} or {{{FrameToken}}}.",
                nameof(template));
        return new OutputPathTemplate(template, parts.ToArray(), names);
    }

    /// <summary>
    /// Expands the template for one frame of one source file. Every token value is sanitised; literal text is kept.
    /// </summary>
    /// <param name="sourcePath">The DICOM file's path ({BaseName} comes from it).</param>
    /// <param name="frame">0-based frame number for {Frame}.</param>
    /// <param name="lookup">Returns the value of a DICOM keyword in this file, or null when absent. Multi-valued
    /// values are expected joined by '\' as stored; the backslash is replaced like any separator.</param>
    public string Expand(string sourcePath, int frame, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(sourcePath);
        ArgumentNullException.ThrowIfNull(lookup);
        var path = new StringBuilder(Template.Length + 64);
        int segmentStart = 0;
        bool segmentHasToken = false;

        foreach (Part part in _parts)
        {
            if (part.Name is null)
            {
                foreach (char c in part.Literal!)
                {
                    if (c is '/' or '\\')
                    {
                        FinishSegment(path, segmentStart, segmentHasToken);
                        path.Append(c);
                        segmentStart = path.Length;
                        segmentHasToken = false;
                    }
                    else
                    {
                        path.Append(c);
                    }
                }
                continue;
            }

            string? value = part.Name switch
            {
                FrameToken => frame.ToString(CultureInfo.InvariantCulture),
                BaseNameToken => SourceBaseName(sourcePath),
                _ => lookup(part.Name),
            };
            path.Append(SanitizeValue(Pad(value, part.PadDigits)));
            segmentHasToken = true;
        }
        FinishSegment(path, segmentStart, segmentHasToken);
        return path.ToString();
    }

    /// <summary>
    /// The file name used when no template is given: <c>&lt;base&gt;.png</c> for a single frame, and
    /// <c>&lt;base&gt;_f0000.png</c>, <c>_f0001</c>... for multi-frame files, with the 0-based frame number (as {Frame})
    /// padded to at least 4 digits, more when the frame count needs them, so names sort in frame order. Built only
    /// from the source file name, never from patient data; a name starting with '.' gets '_' instead so the output is
    /// not hidden.
    /// </summary>
    public static string DefaultOutputName(string sourcePath, int frame, int numberOfFrames, ImageFormat format)
    {
        ArgumentNullException.ThrowIfNull(sourcePath);
        if (numberOfFrames < 1)
            throw new ArgumentOutOfRangeException(nameof(numberOfFrames), numberOfFrames, "A file has at least one frame.");
        if (frame < 0 || frame >= numberOfFrames)
            throw new ArgumentOutOfRangeException(nameof(frame), frame, $"Frame must be 0 to {numberOfFrames - 1}.");

        string baseName = SourceBaseName(sourcePath);
        if (baseName.Length == 0)
            baseName = "image";
        else if (baseName[0] == '.')
            baseName = "_" + baseName[1..]; // ".dcm" must not give a hidden ".dcm.png"
        string extension = ImageFormats.CanonicalExtension(format);
        if (numberOfFrames == 1)
            return baseName + extension;
        int digits = Math.Max(4, (numberOfFrames - 1).ToString(CultureInfo.InvariantCulture).Length);
        return baseName + "_f" + frame.ToString("D" + digits, CultureInfo.InvariantCulture) + extension;
    }

    /// <summary>
    /// The source file name without its extension, where an all-digit "extension" is not one: DICOM files are often
    /// named by their SOP Instance UID (<c>1.2.840.113619.2.5</c>), and cutting at the last dot would give
    /// different files the same name.
    /// </summary>
    public static string SourceBaseName(string sourcePath)
    {
        ArgumentNullException.ThrowIfNull(sourcePath);
        string fileName = Path.GetFileName(sourcePath);
        int dot = fileName.LastIndexOf('.');
        if (dot <= 0)
            return fileName;
        ReadOnlySpan<char> extension = fileName.AsSpan(dot + 1);
        bool allDigits = extension.Length > 0;
        foreach (char c in extension)
            allDigits &= char.IsAsciiDigit(c);
        return allDigits ? fileName : fileName[..dot];
    }

    /// <summary>
    /// Turns an untrusted value into one safe file-name fragment:
    /// surrounding blanks and NULs are trimmed; '/', '\', the characters Windows forbids (&lt; &gt; : " | ? *),
    /// control characters, invisible format characters (e.g. right-to-left override), line/paragraph separators and
    /// lone surrogates become '_'; ".." becomes '_' and a leading '.' becomes '_' (no parent references, no hidden
    /// files); the value is cut to <see cref="MaxTokenValueLength"/>; trailing dots and spaces are trimmed (Windows
    /// drops them); an empty result becomes <see cref="MissingValuePlaceholder"/>; a Windows device name (CON, PRN,
    /// AUX, NUL, COM0-9, LPT0-9, CONIN$, CONOUT$, with or without an extension) gets '_' after it.
    /// </summary>
    public static string SanitizeValue(string? value)
    {
        if (value is null)
            return MissingValuePlaceholder;
        ReadOnlySpan<char> trimmed = value.AsSpan().Trim().Trim('\0').Trim();
        var result = new StringBuilder(Math.Min(trimmed.Length, MaxTokenValueLength + 1));
        for (int i = 0; i < trimmed.Length; i++)
        {
            char c = trimmed[i];
            if (char.IsHighSurrogate(c) && i + 1 < trimmed.Length && char.IsLowSurrogate(trimmed[i + 1]))
            {
                result.Append(c).Append(trimmed[i + 1]);
                i++;
                continue;
            }
            result.Append(IsUnsafeFileNameChar(c) ? '_' : c);
        }
        result.Replace("..", "_");
        // A leading '.' would hide the file; a leading '~' is the home folder to PowerShell's path resolution,
        // which would take the output out of the folder the user named.
        if (result.Length > 0 && result[0] is '.' or '~')
            result[0] = '_';
        if (result.Length > MaxTokenValueLength)
        {
            int cut = MaxTokenValueLength;
            if (char.IsHighSurrogate(result[cut - 1]))
                cut--; // never leave half a surrogate pair
            result.Length = cut;
        }
        while (result.Length > 0 && result[^1] is '.' or ' ')
            result.Length--;
        if (result.Length == 0)
            return MissingValuePlaceholder;
        SuffixReservedDeviceName(result, 0);
        return result.ToString();
    }

    /// <summary>True for names Windows maps to devices whatever the folder or extension (CON, COM1, lpt2.txt...).</summary>
    public static bool IsReservedDeviceName(ReadOnlySpan<char> stem) =>
        stem.Length switch
        {
            3 => stem.Equals("CON", StringComparison.OrdinalIgnoreCase) || stem.Equals("PRN", StringComparison.OrdinalIgnoreCase)
                 || stem.Equals("AUX", StringComparison.OrdinalIgnoreCase) || stem.Equals("NUL", StringComparison.OrdinalIgnoreCase),
            4 => (stem[..3].Equals("COM", StringComparison.OrdinalIgnoreCase) || stem[..3].Equals("LPT", StringComparison.OrdinalIgnoreCase))
                 && (char.IsAsciiDigit(stem[3]) || stem[3] is '\u00B9' or '\u00B2' or '\u00B3'),
            6 => stem.Equals("CONIN$", StringComparison.OrdinalIgnoreCase),
            7 => stem.Equals("CONOUT$", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };

    private static bool IsUnsafeFileNameChar(char c)
    {
        if (c is '/' or '\\' or '<' or '>' or ':' or '"' or '|' or '?' or '*')
            return true;
        if (char.IsControl(c) || char.IsSurrogate(c)) // a surrogate reaching here is unpaired
            return true;
        UnicodeCategory category = char.GetUnicodeCategory(c);
        return category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
    }

    // A device name can also be assembled from several tokens ({A}{B} with "CO" and "N"), so the whole segment is
    // checked again once it is complete. Segments of purely literal text are the user's and stay as written.
    private static void FinishSegment(StringBuilder path, int segmentStart, bool segmentHasToken)
    {
        if (segmentHasToken)
            SuffixReservedDeviceName(path, segmentStart);
    }

    private static void SuffixReservedDeviceName(StringBuilder text, int start)
    {
        int stemEnd = start;
        while (stemEnd < text.Length && text[stemEnd] is not ('.' or '/' or '\\'))
            stemEnd++;
        int trimmedEnd = stemEnd;
        while (trimmedEnd > start && text[trimmedEnd - 1] == ' ')
            trimmedEnd--;
        if (trimmedEnd - start is < 3 or > 7)
            return;
        Span<char> stem = stackalloc char[trimmedEnd - start];
        text.CopyTo(start, stem, stem.Length);
        if (IsReservedDeviceName(stem))
            text.Insert(trimmedEnd, '_');
    }

    private static string? Pad(string? value, int digits)
    {
        if (digits == 0 || value is null)
            return value;
        if (long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
                CultureInfo.InvariantCulture, out long number))
            return number.ToString("D" + digits, CultureInfo.InvariantCulture);
        return value;
    }

    private static (string Name, int PadDigits) ParseToken(string template, string content, int position)
    {
        int colon = content.IndexOf(':');
        string name = colon < 0 ? content : content[..colon];
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]) || !name.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException(
                $"Output path template '{template}' has an invalid token '{{{content}}}' at position {position}: a token is a "
                + "keyword of ASCII letters and digits, optionally followed by ':' and zeros, e.g. {InstanceNumber:0000}.",
                nameof(template));
        if (colon < 0)
            return (name, 0);
        string format = content[(colon + 1)..];
        if (format.Length is 0 or > MaxPadDigits || format.Any(ch => ch != '0'))
            throw new ArgumentException(
                $"Output path template '{template}' has an invalid format in '{{{content}}}' at position {position}: the "
                + $"format is 1 to {MaxPadDigits} zeros, the minimum number of digits (e.g. {{Frame:000}}).",
                nameof(template));
        return (name, format.Length);
    }

    private static bool IsBuiltIn(string name) => IsBuiltIn(name, BaseNameToken) || IsBuiltIn(name, FrameToken);

    private static bool IsBuiltIn(string name, string builtIn) => string.Equals(name, builtIn, StringComparison.OrdinalIgnoreCase);

    private readonly record struct Part(string? Literal, string? Name, int PadDigits)
    {
        public static Part Text(string literal) => new(literal, null, 0);
        public static Part Token(string name, int padDigits) => new(null, name, padDigits);
    }
}
