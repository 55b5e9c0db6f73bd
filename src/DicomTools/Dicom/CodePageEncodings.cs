using System.Text;

namespace DicomTools.Dicom;

/// <summary>
/// Access to the Windows/ISO code pages of System.Text.Encoding.CodePages (part of the shared framework, but only
/// usable after its provider is registered). Registration happens once, in the static constructor, so every caller
/// that goes through here sees the provider; registering the same provider twice is harmless anyway.
/// </summary>
internal static class CodePageEncodings
{
    static CodePageEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// The code page with U+FFFD for undecodable bytes, or null when the runtime does not have it (text decoding must
    /// never throw, so a missing code page degrades to replacement characters instead).
    /// </summary>
    public static Encoding? TryGet(int codePage)
    {
        try
        {
            return Encoding.GetEncoding(codePage, EncoderFallback.ReplacementFallback,
                new DecoderReplacementFallback("\uFFFD"));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
