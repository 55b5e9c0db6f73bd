using DicomTools.Dicom;

namespace DicomTools;

/// <summary>
/// A file is not DICOM, or is damaged in a way the reader cannot get past. The message says what is wrong and where
/// (byte offset in the file, and the tag being read when one was).
/// </summary>
public sealed class DicomReadException : DicomToolsException
{
    public DicomReadException(string message, long offset = -1, DicomTag? tag = null, Exception? inner = null)
        : base("DicomReadError", DicomErrorKind.InvalidData, Compose(message, offset, tag), inner)
    {
        Offset = offset;
        Tag = tag;
        Problem = message;
    }

    /// <summary>Byte offset in the file (or in the inflated stream of a deflated file) where the problem is; -1 when unknown.</summary>
    public long Offset { get; }

    /// <summary>The element being read, when the problem belongs to one.</summary>
    public DicomTag? Tag { get; }

    /// <summary>The message without the location suffix.</summary>
    public string Problem { get; }

    private static string Compose(string message, long offset, DicomTag? tag)
    {
        if (offset < 0 && tag is null) return message;
        var where = tag is null ? $"at offset {offset}" : offset < 0 ? $"in {tag}" : $"in {tag} at offset {offset}";
        return $"{message} ({where})";
    }
}
