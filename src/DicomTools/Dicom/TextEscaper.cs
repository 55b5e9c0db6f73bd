using System.Text;
using DicomTools.Dicom;

namespace DicomTools;

/// <summary>
/// Makes header text safe to print: control characters (C0, DEL, C1, which include ESC and CSI) become visible
/// escapes, so a crafted value cannot move the cursor, recolour or retitle the user's terminal.
/// </summary>
public static class TextEscaper
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var firstUnsafe = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i])) { firstUnsafe = i; break; }
        }
        if (firstUnsafe < 0) return text;
        var builder = new StringBuilder(text.Length + 8);
        builder.Append(text, 0, firstUnsafe);
        for (var i = firstUnsafe; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsUnsafe(c)) { builder.Append(c); continue; }
            builder.Append(c switch
            {
                '\r' => "\\r",
                '\n' => "\\n",
                '\t' => "\\t",
                _ => c <= 0xFF ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}",
            });
        }
        return builder.ToString();
    }

    /// <summary>C0 controls, DEL, C1 controls, and the Unicode bidi overrides that can disguise text.</summary>
    private static bool IsUnsafe(char c) =>
        c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
}
