// TEMPORARY SHIM: replaced by the full implementation (branch charset). Same public shape.
using System.Text;

namespace DicomTools.Dicom;

public sealed class DicomCharacterSet
{
    private readonly Encoding _encoding;

    private DicomCharacterSet(IReadOnlyList<string> terms, Encoding encoding)
    {
        Terms = terms;
        _encoding = encoding;
    }

    public static DicomCharacterSet Default { get; } = new(Array.Empty<string>(), Encoding.Latin1);

    public IReadOnlyList<string> Terms { get; }

    public static DicomCharacterSet Get(IReadOnlyList<string> specificCharacterSetValues, Action<string>? warn = null)
    {
        var first = specificCharacterSetValues.Count > 0 ? specificCharacterSetValues[0].Trim() : "";
        return first == "ISO_IR 192" ? new(specificCharacterSetValues, Encoding.UTF8) : new(specificCharacterSetValues, Encoding.Latin1);
    }

    public string Decode(ReadOnlySpan<byte> value, DicomVR vr) =>
        DicomVRInfo.UsesSpecificCharacterSet(vr) ? _encoding.GetString(value) : Encoding.Latin1.GetString(value);
}
