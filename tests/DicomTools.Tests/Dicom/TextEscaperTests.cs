using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// Header text printed to a terminal: C0 controls (ESC starts ANSI sequences), DEL, C1 controls (0x9B is a one-byte
/// CSI) and the Unicode bidirectional overrides are shown as escapes; everything else is untouched.
/// </summary>
public sealed class TextEscaperTests
{
    [Theory]
    [InlineData("plain Müller 山田", "plain Müller 山田")]
    [InlineData("\u001b[31mred", "\\x1B[31mred")]
    [InlineData("a\rb\nc\td", "a\\rb\\nc\\td")]
    [InlineData("\0", "\\x00")]
    [InlineData("del\u007f", "del\\x7F")]
    [InlineData("csi\u009b2J", "csi\\x9B2J")]
    [InlineData("\u202Eevil", "\\u202Eevil")]
    [InlineData("\u2066iso\u2069", "\\u2066iso\\u2069")]
    [InlineData("", "")]
    public void Control_characters_are_shown_not_sent(string text, string expected)
    {
        Assert.Equal(expected, TextEscaper.Escape(text));
    }

    [Fact]
    public void Null_is_empty()
    {
        Assert.Equal("", TextEscaper.Escape(null));
    }

    [Fact]
    public void Safe_text_is_returned_as_is()
    {
        var text = "no controls here";
        Assert.Same(text, TextEscaper.Escape(text));
    }

    [Fact]
    public void Element_display_is_escaped()
    {
        var body = new DicomBytes().Text(0x0008, 0x1030, "LO", "Head\r\nX\u0007").Text(0x0008, 0x103E, "LO", "S\u001b]0;pwned\u0007");
        var ds = DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, body)).Dataset;
        var element = ds[DicomTags.StudyDescription]!;

        Assert.Equal("Head\\r\\nX\\x07", element.DisplayValue);
        Assert.Equal("Head\r\nX\u0007", element.Value); // the value itself is as stored
        // ESC in a value is also a code-extension escape (PS3.5 6.1.2.5): however the character set decodes it,
        // no raw ESC reaches what is displayed.
        Assert.DoesNotContain('\u001b', ds[DicomTags.SeriesDescription]!.DisplayValue);
        Assert.DoesNotContain('\u001b', ds[DicomTags.SeriesDescription]!.ToString());
    }
}
