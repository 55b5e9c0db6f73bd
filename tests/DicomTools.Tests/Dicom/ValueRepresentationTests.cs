using System.Text;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// Every VR of PS3.5 Table 6.2-1 read into its typed value: one value a scalar, several an array (VM), empty values
/// null, text trimmed as 6.2 says (trailing spaces never significant; leading spaces significant only in LT, ST, UT),
/// DS/IS/DA/TM/DT parsed by their 6.2 grammars and kept as text when they do not follow them.
/// </summary>
public sealed class ValueRepresentationTests
{
    public static TheoryData<bool, bool> Encodings => new()
    {
        { true, false },  // explicit VR little endian
        { false, false }, // implicit VR little endian (VR from the dictionary)
        { true, true },   // explicit VR big endian
    };

    private static DicomDataset ReadDataset(Action<DicomBytes> write, bool explicitVR = true, bool bigEndian = false)
    {
        var body = new DicomBytes(explicitVR, bigEndian);
        write(body);
        var uid = !explicitVR ? DicomBytes.ImplicitLE : bigEndian ? DicomBytes.ExplicitBE : DicomBytes.ExplicitLE;
        return DicomBytes.Read(DicomBytes.Part10(uid, body)).Dataset;
    }

    private static DicomElement ReadElement(ushort group, ushort element, string vr, byte[] value, bool explicitVR = true, bool bigEndian = false)
    {
        var ds = ReadDataset(b => b.Element(group, element, vr, value), explicitVR, bigEndian);
        return ds[new DicomTag(group, element)] ?? throw new Xunit.Sdk.XunitException($"({group:X4},{element:X4}) not read");
    }

    private static object? TextValue(ushort group, ushort element, string vr, string text) =>
        ReadElement(group, element, vr, PadText(text, vr)).Value;

    private static byte[] PadText(string text, string vr)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        return bytes.Length % 2 == 0 ? bytes : bytes.Append(vr == "UI" ? (byte)0 : (byte)' ').ToArray();
    }

    // ---- text VRs ----

    [Theory]
    [InlineData("AE", 0x0008, 0x0054, "  STORESCP  ", "STORESCP")]   // AE: leading and trailing spaces insignificant
    [InlineData("AS", 0x0010, 0x1010, "045Y", "045Y")]
    [InlineData("CS", 0x0008, 0x0060, "OT", "OT")]
    [InlineData("LO", 0x0038, 0x0010, "  ADM-1 ", "ADM-1")]
    [InlineData("SH", 0x0008, 0x0050, " ACC42 ", "ACC42")]
    [InlineData("UC", 0x0008, 0x0119, "LONGCODE   ", "LONGCODE")]
    [InlineData("UR", 0x0008, 0x1190, "http://h/x?a=1 ", "http://h/x?a=1")]
    [InlineData("UI", 0x0008, 0x0018, "1.2.3", "1.2.3")]             // odd: padded with NUL, which is not part of it
    public void Single_text_value_is_trimmed(string vr, ushort group, ushort element, string stored, string expected)
    {
        Assert.Equal(expected, TextValue(group, element, vr, stored));
    }

    [Theory]
    [InlineData("LT", 0x0020, 0x4000)]
    [InlineData("ST", 0x0008, 0x0081)]
    [InlineData("UT", 0x0040, 0xA160)]
    public void Free_text_keeps_leading_spaces_and_backslashes(string vr, ushort group, ushort element)
    {
        // PS3.5 6.2: LT/ST/UT are single-valued ('\' is text) and their leading spaces are significant.
        var value = TextValue(group, element, vr, "  first\\second   ");

        Assert.Equal("  first\\second", value);
    }

    [Fact]
    public void Multi_valued_text_is_an_array()
    {
        Assert.Equal(new[] { "ORIGINAL", "PRIMARY", "AXIAL" }, TextValue(0x0008, 0x0008, "CS", "ORIGINAL\\PRIMARY \\ AXIAL"));
        Assert.Equal(new[] { "AE1", "AE2" }, TextValue(0x0008, 0x0054, "AE", "AE1\\AE2"));
        Assert.Equal(new[] { "1.2", "3.4" }, ReadElement(0x0008, 0x1150, "UI", "1.2\\3.4\0"u8.ToArray()).Value);
    }

    [Fact]
    public void UID_padding_nul_and_space_are_removed()
    {
        Assert.Equal("1.2.840.10008.1.2", ReadElement(0x0008, 0x0016, "UI", "1.2.840.10008.1.2\0"u8.ToArray()).Value);
        Assert.Equal("1.2.840.10008.1.2", ReadElement(0x0008, 0x0016, "UI", "1.2.840.10008.1.2 "u8.ToArray()).GetText());
    }

    [Fact]
    public void Element_counts_values_by_VM()
    {
        Assert.Equal(3, ReadElement(0x0008, 0x0008, "CS", "A\\B\\C "u8.ToArray()).ValueCount);
        Assert.Equal(1, ReadElement(0x0020, 0x4000, "LT", "A\\B\\C "u8.ToArray()).ValueCount);
        Assert.Equal(1, ReadElement(0x0042, 0x0011, "OB", new byte[] { 1, 2, 3, 4 }).ValueCount);
        Assert.Equal(2, ReadElement(0x0072, 0x007A, "US", new byte[] { 1, 0, 2, 0 }).ValueCount);
        Assert.Equal(0, ReadElement(0x0008, 0x0008, "CS", Array.Empty<byte>()).ValueCount);
    }

    // ---- DS and IS (PS3.5 6.2: DS is a fixed or floating point number, IS a signed integer, both with optional
    // leading and trailing spaces; leading zeros are allowed) ----

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData(" 0012.50", 12.5)]
    [InlineData("1e3 ", 1000.0)]
    [InlineData("-2.5E-2", -0.025)]
    [InlineData("+3", 3.0)]
    [InlineData(".5", 0.5)]
    [InlineData("000", 0.0)]
    public void Decimal_string_parses(string stored, double expected)
    {
        Assert.Equal(expected, Assert.IsType<double>(TextValue(0x0018, 0x0050, "DS", stored)));
    }

    [Fact]
    public void Decimal_string_with_several_values_is_a_double_array()
    {
        Assert.Equal(new[] { 0.5, -1.25 }, TextValue(0x0028, 0x0030, "DS", "0.5\\-1.25 "));
    }

    [Theory]
    [InlineData("1,5")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1.5.2")]
    public void Decimal_string_that_is_not_a_number_stays_text(string stored)
    {
        Assert.Equal(stored, TextValue(0x0018, 0x0050, "DS", stored));
    }

    [Fact]
    public void Decimal_string_with_one_bad_value_keeps_all_as_text()
    {
        Assert.Equal("1\\x", TextValue(0x0028, 0x0030, "DS", "1\\x"));
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData("0012", 12)]
    [InlineData(" -0005 ", -5)]
    [InlineData("+42", 42)]
    [InlineData("-2147483648", int.MinValue)]
    public void Integer_string_parses(string stored, int expected)
    {
        Assert.Equal(expected, Assert.IsType<int>(TextValue(0x0020, 0x0013, "IS", stored)));
    }

    [Theory]
    [InlineData("1A")]
    [InlineData("1.0")]
    [InlineData("0x10")]
    public void Invalid_integer_string_is_kept_as_text(string stored)
    {
        Assert.Equal(stored, TextValue(0x0020, 0x0013, "IS", stored));
    }

    [Fact]
    public void Integer_string_variants()
    {
        // Several values come as double[], like DS (issue 2: "IS and DS parsed with multiplicity, as double[] where VM > 1").
        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, TextValue(0x0020, 0x0013, "IS", "1\\2\\3"));
        // Beyond the 32-bit range PS3.5 gives IS: kept as the number it is rather than lost.
        Assert.Equal(2147483648L, TextValue(0x0020, 0x0013, "IS", "2147483648"));
        Assert.Equal(new[] { 1.0, 2147483648.0 }, TextValue(0x0020, 0x0013, "IS", "1\\2147483648"));
    }

    // ---- DA, TM, DT (PS3.5 6.2 and, for the ACR-NEMA forms, 6.2 Note / PS3.5 Annex D of ACR-NEMA 300) ----

    [Theory]
    [InlineData("20230115", 2023, 1, 15)]
    [InlineData("2023.01.15", 2023, 1, 15)]  // ACR-NEMA form
    [InlineData("19000101", 1900, 1, 1)]
    [InlineData("20240229", 2024, 2, 29)]    // leap year
    public void Date_parses(string stored, int year, int month, int day)
    {
        Assert.Equal(new DateTime(year, month, day), TextValue(0x0008, 0x0020, "DA", stored));
    }

    [Theory]
    [InlineData("20231345")]
    [InlineData("20230229")]
    [InlineData("2023011")]
    [InlineData("2023-01-15")]
    [InlineData("UNKNOWN")]
    public void Invalid_date_stays_text(string stored)
    {
        Assert.Equal(stored, TextValue(0x0008, 0x0020, "DA", stored));
    }

    [Fact]
    public void Several_dates_are_a_date_array()
    {
        Assert.Equal(new[] { new DateTime(2023, 1, 1), new DateTime(2023, 12, 31) }, TextValue(0x0008, 0x0020, "DA", "20230101\\20231231"));
    }

    [Theory]
    [InlineData("070907.0705", 7, 9, 7, 705_000)]   // HHMMSS.FFFFFF: .0705 s = 705 000 ticks of 100 ns
    [InlineData("1015", 10, 15, 0, 0)]
    [InlineData("10", 10, 0, 0, 0)]
    [InlineData("235959.999999", 23, 59, 59, 9_999_990)]
    [InlineData("07:09:07", 7, 9, 7, 0)]              // ACR-NEMA form
    [InlineData("07:09:07.5", 7, 9, 7, 5_000_000)]
    public void Time_parses(string stored, int hours, int minutes, int seconds, long ticks)
    {
        var expected = new TimeSpan(hours, minutes, seconds) + TimeSpan.FromTicks(ticks);
        Assert.Equal(expected, TextValue(0x0008, 0x0030, "TM", stored));
    }

    [Fact]
    public void Leap_second_is_a_time()
    {
        // PS3.5 6.2 allows SS = 60 for a leap second; it must not be rejected as invalid text.
        var value = Assert.IsType<TimeSpan>(TextValue(0x0008, 0x0030, "TM", "235960"));
        Assert.True(value >= new TimeSpan(23, 59, 59) && value < TimeSpan.FromDays(1));
    }

    [Theory]
    [InlineData("2500")]
    [InlineData("1261")]
    [InlineData("1")]
    [InlineData("120000.1234567")]
    [InlineData("12h")]
    public void Invalid_time_stays_text(string stored)
    {
        Assert.Equal(stored, TextValue(0x0008, 0x0030, "TM", stored));
    }

    [Fact]
    public void Date_time_parses()
    {
        Assert.Equal(new DateTime(2023, 1, 1), TextValue(0x0008, 0x002A, "DT", "2023"));
        Assert.Equal(new DateTime(2023, 2, 1), TextValue(0x0008, 0x002A, "DT", "202302"));
        Assert.Equal(new DateTime(2023, 2, 28, 15, 30, 0), TextValue(0x0008, 0x002A, "DT", "202302281530"));
        Assert.Equal(new DateTime(2023, 2, 28, 15, 30, 12).AddTicks(1_234_560), TextValue(0x0008, 0x002A, "DT", "20230228153012.123456"));
        Assert.Equal(new DateTimeOffset(2023, 1, 15, 10, 30, 0, TimeSpan.FromHours(1)).AddTicks(1_234_560),
            TextValue(0x0008, 0x002A, "DT", "20230115103000.123456+0100"));
        Assert.Equal(new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.FromHours(-5)), TextValue(0x0008, 0x002A, "DT", "2023-0500"));
    }

    [Theory]
    [InlineData("20230230")]
    [InlineData("20230101+2500")]
    [InlineData("202301011")]
    [InlineData("20230101.5")]           // a fraction belongs after seconds only
    [InlineData("2023010112+01")]
    public void Invalid_date_time_stays_text(string stored)
    {
        Assert.Equal(stored, TextValue(0x0008, 0x002A, "DT", stored));
    }

    // ---- PN (PS3.5 6.2.1) ----

    [Fact]
    public void Person_name_components()
    {
        var name = Assert.IsType<DicomPersonName>(TextValue(0x0010, 0x0010, "PN", "Doe^John^Quincy^Dr.^Jr. "));

        Assert.Equal("Doe", name.FamilyName);
        Assert.Equal("John", name.GivenName);
        Assert.Equal("Quincy", name.MiddleName);
        Assert.Equal("Dr.", name.NamePrefix);
        Assert.Equal("Jr.", name.NameSuffix);
        Assert.Equal("Doe^John^Quincy^Dr.^Jr.", name.Value);
        Assert.Equal("", name.Ideographic);
        Assert.Equal("", name.Phonetic);
    }

    [Fact]
    public void Person_name_with_fewer_components()
    {
        var name = Assert.IsType<DicomPersonName>(TextValue(0x0010, 0x0010, "PN", "^Madonna"));

        Assert.Equal("", name.FamilyName);
        Assert.Equal("Madonna", name.GivenName);
        Assert.Equal("", name.MiddleName);
        Assert.Equal("", name.NameSuffix);
    }

    [Fact]
    public void Person_name_component_groups_in_utf_8()
    {
        // The example of PS3.5 Annex H (Japanese) in ISO_IR 192 instead of ISO 2022 IR 87.
        const string stored = "Yamada^Tarou=山田^太郎=やまだ^たろう";
        var ds = ReadDataset(b => b.Text(0x0008, 0x0005, "CS", "ISO_IR 192")
            .Element(0x0010, 0x0010, "PN", PadUtf8(stored)));

        var name = Assert.IsType<DicomPersonName>(ds.GetValue(DicomTags.PatientName));

        Assert.Equal("Yamada^Tarou", name.Alphabetic);
        Assert.Equal("山田^太郎", name.Ideographic);
        Assert.Equal("やまだ^たろう", name.Phonetic);
        Assert.Equal("Yamada", name.FamilyName);
        Assert.Equal("Tarou", name.GivenName);
    }

    private static byte[] PadUtf8(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return bytes.Length % 2 == 0 ? bytes : bytes.Append((byte)' ').ToArray();
    }

    [Fact]
    public void Several_person_names_are_an_array()
    {
        var names = Assert.IsType<DicomPersonName[]>(TextValue(0x0008, 0x1070, "PN", "Smith^Ann\\Jones^Bob"));

        Assert.Equal(new[] { "Smith", "Jones" }, names.Select(n => n.FamilyName));
        Assert.Equal(new[] { "Ann", "Bob" }, names.Select(n => n.GivenName));
    }

    [Fact]
    public void Person_name_equality_and_escaped_display()
    {
        Assert.Equal(new DicomPersonName("A^B"), new DicomPersonName("A^B"));
        Assert.NotEqual(new DicomPersonName("A^B"), new DicomPersonName("A^C"));
        var hostile = new DicomPersonName("Evil\u001b[2J^Name");
        Assert.Equal("Evil\\x1B[2J^Name", hostile.ToString());
        Assert.Equal("Evil\u001b[2J^Name", (string)hostile);
    }

    // ---- binary VRs, in each byte order ----

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Binary_numbers_are_typed_by_VR_and_VM(bool explicitVR, bool bigEndian)
    {
        var ds = ReadDataset(b => b
            .US(0x0028, 0x0010, 0x1234)
            .US(0x0072, 0x007A, 1, 0xFFFF)
            .SS(0x0018, 0x9219, -5)
            .UL(0x0040, 0xA132, 0x12345678)
            .UL(0x0072, 0x0078, 1, 0xFFFFFFFF)
            .SL(0x0072, 0x007C, -1, int.MaxValue)
            .FL(0x0018, 0x605A, 1.5f, -2.25f)
            .FD(0x0018, 0x9087, 1e-300)
            .FD(0x0040, 0xA161, 0.1, -7.0)
            .SV(0x0072, 0x0082, -1, long.MinValue)
            .UV(0x0008, 0x040C, ulong.MaxValue - 1), explicitVR, bigEndian);

        Assert.Equal((ushort)0x1234, ds.GetValue(new DicomTag(0x0028, 0x0010)));
        Assert.Equal(new ushort[] { 1, 0xFFFF }, ds.GetValue(new DicomTag(0x0072, 0x007A)));
        Assert.Equal((short)-5, ds.GetValue(new DicomTag(0x0018, 0x9219)));
        Assert.Equal(0x12345678u, ds.GetValue(new DicomTag(0x0040, 0xA132)));
        Assert.Equal(new uint[] { 1, 0xFFFFFFFF }, ds.GetValue(new DicomTag(0x0072, 0x0078)));
        Assert.Equal(new[] { -1, int.MaxValue }, ds.GetValue(new DicomTag(0x0072, 0x007C)));
        Assert.Equal(new[] { 1.5f, -2.25f }, ds.GetValue(new DicomTag(0x0018, 0x605A)));
        Assert.Equal(1e-300, ds.GetValue(new DicomTag(0x0018, 0x9087)));
        Assert.Equal(new[] { 0.1, -7.0 }, ds.GetValue(new DicomTag(0x0040, 0xA161)));
        Assert.Equal(new[] { -1L, long.MinValue }, ds.GetValue(new DicomTag(0x0072, 0x0082)));
        Assert.Equal(ulong.MaxValue - 1, ds.GetValue(new DicomTag(0x0008, 0x040C)));
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Attribute_tag_values(bool explicitVR, bool bigEndian)
    {
        // AT is a pair of 16-bit numbers (group, element), each in the transfer syntax's byte order (PS3.5 6.2).
        var ds = ReadDataset(b =>
        {
            var value = b.Words(0x0018, 0x1063, 0x0018, 0x1065);
            b.Element(0x0028, 0x0009, "AT", value);
        }, explicitVR, bigEndian);

        Assert.Equal(new[] { new DicomTag(0x0018, 0x1063), new DicomTag(0x0018, 0x1065) }, ds.GetValue(new DicomTag(0x0028, 0x0009)));
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Other_v_rs_are_arrays_even_for_one_value(bool explicitVR, bool bigEndian)
    {
        var ds = ReadDataset(b => b
            .Element(0x0018, 0x1638, "OF", b.DWords(BitConverter.SingleToUInt32Bits(2.5f)))
            .Element(0x0028, 0x1201, "OW", b.Words(0x0102, 0xFFFE))
            .Element(0x0042, 0x0011, "OB", new byte[] { 1, 2, 3, 0 })
            .Element(0x0066, 0x0022, "OD", b.QWords(BitConverter.DoubleToUInt64Bits(-0.5)))
            .Element(0x0066, 0x0040, "OL", b.DWords(7, 0x80000000))
            .Element(0x0072, 0x0081, "OV", b.QWords(0x0102030405060708)), explicitVR, bigEndian);

        Assert.Equal(new[] { 2.5f }, ds.GetValue(new DicomTag(0x0018, 0x1638)));
        Assert.Equal(new ushort[] { 0x0102, 0xFFFE }, ds.GetValue(new DicomTag(0x0028, 0x1201)));
        Assert.Equal(new byte[] { 1, 2, 3, 0 }, ds.GetValue(new DicomTag(0x0042, 0x0011)));
        Assert.Equal(new[] { -0.5 }, ds.GetValue(new DicomTag(0x0066, 0x0022)));
        Assert.Equal(new uint[] { 7, 0x80000000 }, ds.GetValue(new DicomTag(0x0066, 0x0040)));
        Assert.Equal(new ulong[] { 0x0102030405060708 }, ds.GetValue(new DicomTag(0x0072, 0x0081)));
    }

    [Fact]
    public void Big_endian_bytes_are_read_most_significant_first()
    {
        // The bytes as PS3.5 7.3 puts them on the wire, written out literally.
        var element = ReadElement(0x0028, 0x0010, "US", new byte[] { 0x01, 0x02 }, bigEndian: true);
        Assert.Equal((ushort)0x0102, element.Value);
        Assert.True(element.IsBigEndian);
        var fl = ReadElement(0x0018, 0x605A, "FL", new byte[] { 0x3F, 0xC0, 0x00, 0x00 }, bigEndian: true);
        Assert.Equal(1.5f, fl.Value);
        var little = ReadElement(0x0028, 0x0010, "US", new byte[] { 0x01, 0x02 });
        Assert.Equal((ushort)0x0201, little.Value);
    }

    [Fact]
    public void Unknown_value_is_bytes()
    {
        Assert.Equal(new byte[] { 9, 8, 7, 6 }, ReadElement(0x0072, 0x006D, "UN", new byte[] { 9, 8, 7, 6 }).Value);
    }

    [Fact]
    public void UN_with_a_dictionary_VR_is_decoded_as_that_VR()
    {
        // PS3.5 6.2.2: a reader that knows the real VR of a UN may use it. UN values are little endian.
        var rows = ReadElement(0x0028, 0x0010, "UN", new byte[] { 0x00, 0x02 });
        Assert.Equal(DicomVR.US, rows.VR);
        Assert.Equal((ushort)512, rows.Value);
        var date = ReadElement(0x0008, 0x0020, "UN", "20200101"u8.ToArray());
        Assert.Equal(new DateTime(2020, 1, 1), date.Value);
    }

    [Fact]
    public void Implicit_VR_takes_ambiguous_us_or_ss_from_pixel_representation()
    {
        // (0028,0106) Smallest Image Pixel Value is US or SS: PS3.5 Annex A says Pixel Representation decides.
        var signed = ReadDataset(b => b.US(0x0028, 0x0103, 1).Element(0x0028, 0x0106, "SS", b.Words(0xFFFF)), explicitVR: false);
        Assert.Equal((short)-1, signed.GetValue(new DicomTag(0x0028, 0x0106)));
        var unsigned = ReadDataset(b => b.US(0x0028, 0x0103, 0).Element(0x0028, 0x0106, "US", b.Words(0xFFFF)), explicitVR: false);
        Assert.Equal((ushort)0xFFFF, unsigned.GetValue(new DicomTag(0x0028, 0x0106)));
    }

    // ---- odd lengths and empty values ----

    [Fact]
    public void Odd_length_numbers_keep_whole_values_only()
    {
        Assert.Equal((ushort)0x0201, ReadElement(0x0028, 0x0010, "US", new byte[] { 1, 2, 3 }).Value);
        // Less than one value: the bytes, not an invented number.
        Assert.Equal(new byte[] { 1 }, ReadElement(0x0028, 0x0010, "US", new byte[] { 1 }).Value);
        Assert.Equal(1.5, ReadElement(0x0018, 0x9087, "FD", BitConverter.GetBytes(1.5).Concat(new byte[] { 9, 9, 9 }).ToArray()).Value);
    }

    [Fact]
    public void Odd_length_elements_do_not_lose_the_elements_after_them()
    {
        var ds = ReadDataset(b => b
            .Text(0x0008, 0x0060, "CS", "ABC", pad: false)
            .Element(0x0009, 0x0010, "LO", "X"u8.ToArray())
            .Element(0x0009, 0x1001, "OB", new byte[] { 1, 2, 3 })
            .US(0x0028, 0x0010, 7));

        Assert.Equal("ABC", ds.GetValue(DicomTags.Modality));
        Assert.Equal(new byte[] { 1, 2, 3 }, ds.GetValue(new DicomTag(0x0009, 0x1001)));
        Assert.Equal((ushort)7, ds.GetValue(DicomTags.Rows));
    }

    [Theory]
    [InlineData("AE")] [InlineData("AS")] [InlineData("AT")] [InlineData("CS")] [InlineData("DA")] [InlineData("DS")]
    [InlineData("DT")] [InlineData("FL")] [InlineData("FD")] [InlineData("IS")] [InlineData("LO")] [InlineData("LT")]
    [InlineData("OB")] [InlineData("OD")] [InlineData("OF")] [InlineData("OL")] [InlineData("OV")] [InlineData("OW")]
    [InlineData("PN")] [InlineData("SH")] [InlineData("SL")] [InlineData("SQ")] [InlineData("SS")] [InlineData("ST")]
    [InlineData("SV")] [InlineData("TM")] [InlineData("UC")] [InlineData("UI")] [InlineData("UL")] [InlineData("UN")]
    [InlineData("UR")] [InlineData("US")] [InlineData("UT")] [InlineData("UV")]
    public void Empty_value_is_null(string vr)
    {
        // A private tag, so the VR written is the VR read whatever the dictionary says.
        var ds = ReadDataset(b => b.Element(0x0009, 0x0010, "LO", "ACME"u8.ToArray()).Element(0x0009, 0x1000, vr, Array.Empty<byte>()));
        var element = ds[new DicomTag(0x0009, 0x1000)]!;

        Assert.Equal(vr, DicomVRInfo.ToCode(element.VR));
        if (vr == "SQ") Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<DicomDataset>>(element.Value));
        else Assert.Null(element.Value);
        Assert.Equal(0, element.ValueCount);
        Assert.Null(element.GetText());
    }

    [Theory]
    [InlineData("CS")]
    [InlineData("LO")]
    [InlineData("PN")]
    [InlineData("DA")]
    [InlineData("LT")]
    [InlineData("UT")]
    [InlineData("UI")]
    public void Value_of_only_padding_is_empty(string vr)
    {
        // Trailing spaces (and a UI's NUL) are padding, never part of the value (PS3.5 6.2): nothing is left.
        var padding = vr == "UI" ? new byte[] { 0, 0 } : "  "u8.ToArray();
        var ds = ReadDataset(b => b.Element(0x0009, 0x0010, "LO", "ACME"u8.ToArray()).Element(0x0009, 0x1000, vr, padding));
        var element = ds[new DicomTag(0x0009, 0x1000)]!;

        Assert.Null(element.Value);
        Assert.Null(element.GetText());
        Assert.Null(ds.GetString(element.Tag));
        Assert.Empty(ds.GetStrings(element.Tag));
    }

    // ---- group length, private creators, dataset accessors ----

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Group_length_is_UL(bool explicitVR)
    {
        var ds = ReadDataset(b => b.UL(0x0008, 0x0000, 10).Text(0x0008, 0x0060, "CS", "OT").Text(0x0008, 0x0070, "LO", "ACME"), explicitVR);
        var element = ds[new DicomTag(0x0008, 0x0000)]!;

        Assert.Equal(DicomVR.UL, element.VR);
        Assert.Equal(10u, element.Value);
        Assert.Equal("Group Length", element.Name);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Private_elements_know_their_creator(bool explicitVR)
    {
        // PS3.5 7.8.1: (gggg,00xx) reserves block xx; (gggg,xxyy) belongs to the creator at (gggg,00xx).
        var ds = ReadDataset(b => b
            .Text(0x0009, 0x0010, "LO", "ACME 1.0 ")
            .Text(0x0009, 0x0011, "LO", "OTHER")
            .Text(0x0009, 0x1001, "LO", "first")
            .Text(0x0009, 0x1101, "LO", "second")
            .Text(0x0009, 0x1201, "LO", "orphan"), explicitVR);

        Assert.Equal("ACME 1.0", ds[new DicomTag(0x0009, 0x1001)]!.PrivateCreator);
        Assert.Equal("OTHER", ds[new DicomTag(0x0009, 0x1101)]!.PrivateCreator);
        Assert.Null(ds[new DicomTag(0x0009, 0x1201)]!.PrivateCreator);
        Assert.Null(ds[new DicomTag(0x0009, 0x0010)]!.PrivateCreator);
        Assert.Equal("Private Creator", ds[new DicomTag(0x0009, 0x0010)]!.Name);
        Assert.Equal("Private tag (ACME 1.0)", ds[new DicomTag(0x0009, 0x1001)]!.Name);
        Assert.Equal(DicomVR.LO, ds[new DicomTag(0x0009, 0x0010)]!.VR);
        Assert.Equal(explicitVR ? DicomVR.LO : DicomVR.UN, ds[new DicomTag(0x0009, 0x1001)]!.VR);
    }

    [Fact]
    public void Dataset_accessors_convert_values()
    {
        var ds = ReadDataset(b => b
            .Text(0x0018, 0x0050, "DS", "2.0")
            .Text(0x0020, 0x0013, "IS", "12")
            .Text(0x0028, 0x0008, "IS", "1A")
            .Text(0x0028, 0x1050, "DS", "40\\400")
            .US(0x0028, 0x0010, 512)
            .SS(0x0028, 0x0106, -3));

        Assert.Equal(2, ds.GetInt(new DicomTag(0x0018, 0x0050)));
        Assert.Equal(12, ds.GetInt(DicomTags.InstanceNumber));
        Assert.Null(ds.GetInt(DicomTags.NumberOfFrames));
        Assert.Null(ds.GetDouble(DicomTags.NumberOfFrames));
        Assert.Equal(new[] { 40.0, 400.0 }, ds.GetDoubles(DicomTags.WindowCenter));
        Assert.Equal(40.0, ds.GetDouble(DicomTags.WindowCenter));
        Assert.Equal(512, ds.GetInt(DicomTags.Rows));
        Assert.Equal(-3, ds.GetInt(new DicomTag(0x0028, 0x0106)));
        Assert.Equal(new[] { "40", "400" }, ds.GetStrings(DicomTags.WindowCenter));
        Assert.Null(ds.GetInt(DicomTags.Columns));
        Assert.Empty(ds.GetSequence(DicomTags.ModalityLUTSequence));
    }

    [Theory]
    [InlineData("Rows")]
    [InlineData("0028,0010")]
    [InlineData("(0028,0010)")]
    [InlineData("00280010")]
    [InlineData(" ( 0028 , 0010 ) ")]
    [InlineData("(0028,0010) ")]
    public void Dataset_finds_by_keyword_or_tag(string name)
    {
        var ds = ReadDataset(b => b.US(0x0028, 0x0010, 512));

        Assert.Equal((ushort)512, ds.Find(name)?.Value);
    }

    [Fact]
    public void Repeated_tag_keeps_the_first()
    {
        var ds = ReadDataset(b => b.Text(0x0008, 0x0060, "CS", "CT").Text(0x0008, 0x0060, "CS", "MR"));

        Assert.Equal(2, ds.Count);
        Assert.Equal("CT", ds.GetString(DicomTags.Modality));
    }
}
