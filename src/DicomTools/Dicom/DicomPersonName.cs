using DicomTools.Dicom;

namespace DicomTools;

/// <summary>
/// A PN value (PS3.5 6.2.1): up to three component groups (alphabetic, ideographic, phonetic) separated by '=',
/// each with five components (family, given, middle, prefix, suffix) separated by '^'.
/// <see cref="ToString"/> gives the DICOM form, with control characters escaped so a name cannot drive a terminal;
/// <see cref="Value"/> is the decoded text as stored.
/// </summary>
public sealed class DicomPersonName : IEquatable<DicomPersonName>
{
    public DicomPersonName(string value)
    {
        Value = value;
        var groups = value.Split('=');
        Alphabetic = groups[0];
        Ideographic = groups.Length > 1 ? groups[1] : "";
        Phonetic = groups.Length > 2 ? groups[2] : "";
        var parts = Alphabetic.Split('^');
        FamilyName = Part(parts, 0);
        GivenName = Part(parts, 1);
        MiddleName = Part(parts, 2);
        NamePrefix = Part(parts, 3);
        NameSuffix = Part(parts, 4);
    }

    /// <summary>The whole value as decoded from the file (trailing padding removed).</summary>
    public string Value { get; }
    public string Alphabetic { get; }
    public string Ideographic { get; }
    public string Phonetic { get; }
    public string FamilyName { get; }
    public string GivenName { get; }
    public string MiddleName { get; }
    public string NamePrefix { get; }
    public string NameSuffix { get; }

    private static string Part(string[] parts, int index) => index < parts.Length ? parts[index].Trim() : "";

    public bool Equals(DicomPersonName? other) => other is not null && other.Value == Value;

    public override bool Equals(object? obj) => obj is DicomPersonName other && Equals(other);

    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => TextEscaper.Escape(Value);

    public static implicit operator string(DicomPersonName name) => name.Value;
}
