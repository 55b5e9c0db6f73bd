using DicomTools.Export;
using Xunit;

namespace DicomTools.Tests.Export;

public sealed class OutputPathTemplateTests
{
    private static readonly Dictionary<string, string?> Header = new()
    {
        ["PatientID"] = "P001",
        ["SeriesNumber"] = "3",
        ["InstanceNumber"] = "12",
        ["Modality"] = "CT",
    };

    private static string? Lookup(string keyword) => Header.GetValueOrDefault(keyword);

    private static string ExpandWith(string template, string? value, string source = "/data/IM_0001.dcm", int frame = 0) =>
        OutputPathTemplate.Parse(template).Expand(source, frame, _ => value);

    [Fact]
    public void Keywords_base_name_and_frame_are_substituted()
    {
        var template = OutputPathTemplate.Parse("out/{PatientID}/{SeriesNumber}_{InstanceNumber}_{Frame}_{BaseName}.png");

        Assert.Equal("out/P001/3_12_4_IM_0001.png", template.Expand("/data/IM_0001.dcm", 4, Lookup));
    }

    [Fact]
    public void Built_in_names_match_in_any_case()
    {
        var template = OutputPathTemplate.Parse("{basename}_{FRAME}.png");

        Assert.Equal("a_2.png", template.Expand("/x/a.dcm", 2, Lookup));
        Assert.Equal(new[] { "BaseName", "Frame" }, template.TokenNames);
    }

    [Theory]
    [InlineData("{Frame:000}", 7, "007")]
    [InlineData("{Frame:0}", 1234, "1234")]
    [InlineData("{InstanceNumber:0000}", 0, "0012")]
    [InlineData("{Modality:000}", 0, "CT")] // not an integer: left alone
    public void Zero_formats_pad_integers(string template, int frame, string expected)
    {
        Assert.Equal(expected, OutputPathTemplate.Parse(template).Expand("/x/a.dcm", frame, Lookup));
    }

    [Theory]
    [InlineData(" 12 ", "0012")]
    [InlineData("+12", "0012")]
    [InlineData("-3", "-0003")]
    public void Padding_reads_integer_strings_as_dicom_IS_writes_them(string value, string expected)
    {
        Assert.Equal(expected, ExpandWith("{InstanceNumber:0000}", value));
    }

    [Fact]
    public void Doubled_braces_are_literal_braces()
    {
        Assert.Equal("{x}_0}", ExpandWith("{{x}}_{Frame}}}", "v"));
    }

    [Fact]
    public void Token_names_are_listed_once_in_order_and_header_keywords_exclude_built_ins()
    {
        var template = OutputPathTemplate.Parse("{PatientID}/{Frame}_{SeriesNumber}_{PatientID}_{BaseName}.png");

        Assert.Equal(new[] { "PatientID", "Frame", "SeriesNumber", "BaseName" }, template.TokenNames);
        Assert.Equal(new[] { "PatientID", "SeriesNumber" }, template.HeaderKeywords);
        Assert.True(template.UsesFrame);
        Assert.False(OutputPathTemplate.Parse("{PatientID}.png").UsesFrame);
    }

    [Fact]
    public void Unknown_tokens_are_all_listed_in_one_error()
    {
        var known = new HashSet<string> { "PatientID", "SeriesNumber" };

        var error = Assert.Throws<ArgumentException>(() =>
            OutputPathTemplate.Parse("{PatientID}/{PatientNmae}_{Frame}_{Serie}.png", known.Contains));

        Assert.Contains("unknown tokens {PatientNmae}, {Serie}.", error.Message); // both listed, the known ones not
    }

    [Theory]
    [InlineData("out/{PatientID.png")]
    [InlineData("out/PatientID}.png")]
    [InlineData("{Pat{ient}ID}")]
    [InlineData("{}")]
    [InlineData("{1abc}")]
    [InlineData("{Patient ID}")]
    [InlineData("{Frame:abc}")]
    [InlineData("{Frame:}")]
    [InlineData("{Frame:00000000000}")]
    [InlineData("{../x}")]
    public void Malformed_templates_are_refused(string template)
    {
        Assert.Throws<ArgumentException>(() => OutputPathTemplate.Parse(template));
    }

    [Theory]
    [InlineData("../../etc/passwd", "____etc_passwd")]
    [InlineData("/etc/passwd", "_etc_passwd")]
    [InlineData("C:\\x", "C__x")]
    [InlineData("C:", "C_")]
    [InlineData("\\\\server\\share", "__server_share")]
    [InlineData("a/b\\c", "a_b_c")]
    [InlineData("1\\2\\3", "1_2_3")]                      // multi-valued DICOM element
    [InlineData("\u001b[31m", "_[31m")]                   // terminal escape
    [InlineData("a\tb\nc\u007f\u0085d", "a_b_c__d")]       // C0, DEL, C1 controls
    [InlineData("\u202Egnp.exe", "_gnp.exe")]              // right-to-left override
    [InlineData("a<b>c:d\"e|f?g*h", "a_b_c_d_e_f_g_h")]
    [InlineData("..", "_")]
    [InlineData(".", "_")]
    [InlineData("...", "_")]
    [InlineData(".ssh", "_ssh")]
    [InlineData("a..b", "a_b")]
    [InlineData("name. . .", "name")]                     // Windows drops trailing dots and spaces
    [InlineData("  DOE^JOHN  ", "DOE^JOHN")]
    [InlineData("1.2.840.10008\0", "1.2.840.10008")]     // UI padded with NUL
    [InlineData("", "unknown")]
    [InlineData("   ", "unknown")]
    [InlineData("\0", "unknown")]
    [InlineData("CON", "CON_")]
    [InlineData("con.txt", "con_.txt")]
    [InlineData("Nul", "Nul_")]
    [InlineData("NUL ", "NUL_")]
    [InlineData("PRN", "PRN_")]
    [InlineData("AUX.tar.gz", "AUX_.tar.gz")]
    [InlineData("COM1", "COM1_")]
    [InlineData("lpt9", "lpt9_")]
    [InlineData("COM\u00B9", "COM\u00B9_")]
    [InlineData("CONOUT$", "CONOUT$_")]
    [InlineData("COM10", "COM10")]
    [InlineData("CONSOLE", "CONSOLE")]
    [InlineData("Müller-Lüdenscheidt 東京", "Müller-Lüdenscheidt 東京")] // ordinary letters stay
    public void Hostile_values_become_one_harmless_name_fragment(string value, string expected)
    {
        Assert.Equal(expected, OutputPathTemplate.SanitizeValue(value));
    }

    [Fact]
    public void Missing_value_becomes_the_placeholder()
    {
        Assert.Equal("unknown", OutputPathTemplate.SanitizeValue(null));
        Assert.Equal("out/unknown.png", ExpandWith("out/{PatientID}.png", null));
    }

    [Fact]
    public void Long_values_are_cut_to_the_limit_without_splitting_a_surrogate_pair()
    {
        Assert.Equal(new string('x', OutputPathTemplate.MaxTokenValueLength), OutputPathTemplate.SanitizeValue(new string('x', 5000)));

        string emojiAtTheCut = new string('a', OutputPathTemplate.MaxTokenValueLength - 1) + "\U0001F600" + "tail";
        Assert.Equal(new string('a', OutputPathTemplate.MaxTokenValueLength - 1), OutputPathTemplate.SanitizeValue(emojiAtTheCut));

        // A cut that leaves a trailing dot must still trim it.
        string dotAtTheCut = new string('b', OutputPathTemplate.MaxTokenValueLength - 1) + ".more";
        Assert.Equal(new string('b', OutputPathTemplate.MaxTokenValueLength - 1), OutputPathTemplate.SanitizeValue(dotAtTheCut));
    }

    [Fact]
    public void Paired_surrogates_stay_and_lone_surrogates_are_replaced()
    {
        Assert.Equal("a\U0001F600b", OutputPathTemplate.SanitizeValue("a\U0001F600b"));
        Assert.Equal("a_b", OutputPathTemplate.SanitizeValue("a\uD800b"));
        Assert.Equal("a_b", OutputPathTemplate.SanitizeValue("a\uDC00b"));
    }

    // Whatever a header holds, the expanded path stays one file inside the folder the user named.
    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("..")]
    [InlineData("/")]
    [InlineData("/etc")]
    [InlineData("C:\\Windows\\System32")]
    [InlineData("\\\\?\\C:\\x")]
    [InlineData("~")]
    [InlineData("..\\..\\..")]
    [InlineData("a/../../b")]
    public void Expanded_paths_stay_inside_the_named_folder(string hostile)
    {
        string root = Path.Combine(Path.GetTempPath(), "dicomtools-root");
        string relative = ExpandWith("{PatientID}/{PatientName}_{Frame}.png", hostile);
        string full = Path.GetFullPath(Path.Combine(root, relative));

        Assert.StartsWith(root + Path.DirectorySeparatorChar, full);
        Assert.Equal(1, relative.Count(c => c is '/' or '\\')); // only the template's own separator
    }

    [Fact]
    public void A_device_name_assembled_from_several_tokens_is_still_suffixed()
    {
        var template = OutputPathTemplate.Parse("out/{A}{B}.png");
        var values = new Dictionary<string, string?> { ["A"] = "CO", ["B"] = "N" };

        Assert.Equal("out/CON_.png", template.Expand("/x/a.dcm", 0, values.GetValueOrDefault));
    }

    [Fact]
    public void Literal_text_is_the_users_and_is_not_sanitised()
    {
        Assert.Equal("../out/CON/v.png", ExpandWith("../out/CON/{PatientID}.png", "v"));
        Assert.Equal("C:\\exports\\v.png", ExpandWith("C:\\exports\\{PatientID}.png", "v"));
    }

    [Fact]
    public void Base_name_keeps_an_all_digit_last_component_of_uid_named_files()
    {
        Assert.Equal("1.2.840.113619.2.55.png", ExpandWith("{BaseName}.png", null, source: "/d/1.2.840.113619.2.55"));
        Assert.Equal("IM_0001.png", ExpandWith("{BaseName}.png", null, source: "/d/IM_0001.dcm"));
        Assert.Equal("scan.png", ExpandWith("{BaseName}.png", null, source: "/d/scan.v2"));
        Assert.Equal("_hidden.png", ExpandWith("{BaseName}.png", null, source: "/d/.hidden"));
    }

    [Theory]
    [InlineData("/d/IM1.dcm", 0, 1, ImageFormat.Png, "IM1.png")]
    [InlineData("/d/IM1.dcm", 0, 1, ImageFormat.Jpeg, "IM1.jpg")]
    [InlineData("/d/IM1.dcm", 0, 2, ImageFormat.Png, "IM1_f0000.png")]
    [InlineData("/d/IM1.dcm", 3, 10, ImageFormat.Tiff, "IM1_f0003.tif")]
    [InlineData("/d/IM1.dcm", 9999, 10000, ImageFormat.Png, "IM1_f9999.png")]
    [InlineData("/d/IM1.dcm", 5, 10001, ImageFormat.Png, "IM1_f00005.png")]
    [InlineData("/d/1.2.840.5", 0, 1, ImageFormat.Png, "1.2.840.5.png")]
    [InlineData("/d/.dcm", 0, 1, ImageFormat.Png, "_dcm.png")]
    public void Default_names_come_from_the_file_name_and_frame(string source, int frame, int frames, ImageFormat format, string expected)
    {
        Assert.Equal(expected, OutputPathTemplate.DefaultOutputName(source, frame, frames, format));
    }

    [Fact]
    public void Default_name_refuses_a_frame_outside_the_file()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OutputPathTemplate.DefaultOutputName("/d/a.dcm", 2, 2, ImageFormat.Png));
        Assert.Throws<ArgumentOutOfRangeException>(() => OutputPathTemplate.DefaultOutputName("/d/a.dcm", -1, 2, ImageFormat.Png));
        Assert.Throws<ArgumentOutOfRangeException>(() => OutputPathTemplate.DefaultOutputName("/d/a.dcm", 0, 0, ImageFormat.Png));
    }
}
