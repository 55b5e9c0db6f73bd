using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// Specific Character Set decoding. Expected strings come from outside this code: the byte sequences PS3.5 prints in
/// Annexes H, I, J and K (copied in the standard's column/row or hex notation), the PatientName bytes of Debian
/// python3-pydicom 2.3.1's charset test files (expected strings read with pydicom and checked against the standard's
/// tables), Python's codecs (samples encoded at test-development time, and whole tables compared at test time), and
/// the rules of PS3.5 6.1.2.5.3 and Annex H for the state resets and ISO-IR 14.
/// </summary>
public sealed class DicomCharacterSetTests
{
    private const string Esc = "\u001b";

    // ---- PS3.5 Annex H: Japanese ------------------------------------------------------------------------------------

    [Fact]
    public void Example_H_3_1_Japanese_with_value_1_empty_decodes_all_three_component_groups()
    {
        // PS3.5 Example H.3-1, (0008,0005) \ISO 2022 IR 87, "Encoded representation" as printed (its "5/14" is 05/14).
        var bytes = ColumnRow(
            "05/09 06/01 06/13 06/01 06/04 06/01 5/14 05/04 06/01 07/02 06/15 07/05 03/13 01/11 02/04 04/02 03/11 " +
            "03/03 04/05 04/04 01/11 02/08 04/02 05/14 01/11 02/04 04/02 04/02 04/00 04/15 03/10 01/11 02/08 04/02 " +
            "03/13 01/11 02/04 04/02 02/04 06/04 02/04 05/14 02/04 04/00 01/11 02/08 04/02 05/14 01/11 02/04 04/02 " +
            "02/04 03/15 02/04 06/13 02/04 02/06 01/11 02/08 04/02");
        var set = DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 87" });

        Assert.Equal("Yamada^Tarou=山田^太郎=やまだ^たろう", set.Decode(bytes, DicomVR.PN));
    }

    [Fact]
    public void Example_H_3_2_Japanese_with_ISO_2022_IR_13_decodes_halfwidth_katakana_and_kanji()
    {
        // PS3.5 Example H.3-2, (0008,0005) ISO 2022 IR 13\ISO 2022 IR 87: katakana in GR, ESC ( J back to romaji.
        var bytes = ColumnRow(
            "13/04 12/15 12/00 13/14 05/14 12/00 13/11 11/03 03/13 01/11 02/04 04/02 03/11 03/03 04/05 04/04 01/11 " +
            "02/08 04/10 05/14 01/11 02/04 04/02 04/02 04/00 04/15 03/10 01/11 02/08 04/10 03/13 01/11 02/04 04/02 " +
            "02/04 06/04 02/04 05/14 02/04 04/00 01/11 02/08 04/10 05/14 01/11 02/04 04/02 02/04 03/15 02/04 06/13 " +
            "02/04 02/06 01/11 02/08 04/10");
        var set = DicomCharacterSet.Get(new[] { "ISO 2022 IR 13", "ISO 2022 IR 87" });

        Assert.Equal("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう", set.Decode(bytes, DicomVR.PN));
    }

    [Fact]
    public void Iso_ir_14_backslash_is_the_value_delimiter_in_string_VRs_and_yen_sign_in_text_VRs()
    {
        // PS3.5 H.1.1: in ISO-IR 14 05/12 is YEN SIGN and 07/14 OVERLINE; H.1 note 3: for SH, LO, PN and UC 05/12 is
        // the delimiter between values instead.
        var set = DicomCharacterSet.Get(new[] { "ISO_IR 13" });
        var value = Latin1Bytes("C:\\dir~\\x");

        Assert.Equal("C:\\dir\u203E\\x", set.Decode(value, DicomVR.LO));
        Assert.Equal("C:\u00A5dir\u203E\u00A5x", set.Decode(value, DicomVR.LT));
        Assert.Equal("ｱ\\ｲ", set.Decode(Latin1Bytes("\u00b1\\\u00b2"), DicomVR.SH));
    }

    [Fact]
    public void Jis_x_0208_characters_whose_bytes_equal_delimiters_are_not_split()
    {
        // 松本 is 3E3E 4B5C and 十 is 3D3D in JIS X 0208 (Python: '松本'.encode('iso2022_jp') == b'\x1b$B>>K\\\x1b(B').
        // Delimiters occur only after the return to the initial set (PS3.5 6.1.2.5.3), so inside ESC $ B these bytes
        // are halves of characters. pydicom 2.3.1 splits this value at the 0x5C and fails.
        var bytes = Latin1Bytes("Matsumoto^Juro=" + Esc + "$B>>K\\" + Esc + "(B^" + Esc + "$B==O:" + Esc + "(B");
        var set = DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 87" });

        Assert.Equal("Matsumoto^Juro=松本^十郎", set.Decode(bytes, DicomVR.PN));
    }

    [Fact]
    public void Katakana_designated_to_G0_reads_05_12_as_a_character_not_a_delimiter()
    {
        // ESC ( I puts JIS X 0201 katakana in G0; there 05/12 is ﾜ (Python: b'\xdc'.decode('shift_jis')). Only after
        // ESC ( B is 05/12 the value delimiter again.
        var set = DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 13" });

        Assert.Equal("ﾜ\\A", set.Decode(Latin1Bytes(Esc + "(I\\" + Esc + "(B\\A"), DicomVR.LO));
    }

    [Fact]
    public void Jis_x_0212_is_decoded_after_its_escape_sequence()
    {
        // Python: '丂'.encode('iso2022_jp_2') == b'\x1b$(D0!\x1b(B', '鷗' -> b'\x1b$(Dl?\x1b(B'.
        var set = DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 87", "ISO 2022 IR 159" });
        var bytes = Latin1Bytes("A" + Esc + "$(D0!l?" + Esc + "(B" + Esc + "$B;3" + Esc + "(BZ");

        Assert.Equal("A丂鷗山Z", set.Decode(bytes, DicomVR.LO));
    }

    // ---- PS3.5 Annex I: Korean --------------------------------------------------------------------------------------

    [Fact]
    public void Example_I_2_1_Korean_person_name()
    {
        // PS3.5 Example I.2-1, (0008,0005) \ISO 2022 IR 149, "Encoded representation" as printed.
        var bytes = ColumnRow(
            "04/08 06/15 06/14 06/07 05/14 04/07 06/09 06/12 06/04 06/15 06/14 06/07 03/13 01/11 02/04 02/09 04/03 " +
            "15/11 15/03 05/14 01/11 02/04 02/09 04/03 13/01 12/14 13/04 13/07 03/13 01/11 02/04 02/09 04/03 12/08 " +
            "10/11 05/14 01/11 02/04 02/09 04/03 11/01 14/06 11/05 11/15");
        var set = DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 149" });

        Assert.Equal("Hong^Gildong=洪^吉洞=홍^길동", set.Decode(bytes, DicomVR.PN));
    }

    [Fact]
    public void Example_I_3_1_Korean_long_text_mixes_ascii_and_hangul_after_one_escape_per_line()
    {
        // PS3.5 Example I.3-1 (the standard prints the characters; 한글 is C7D1 B1DB in KS X 1001, Python euc_kr).
        var hangul = "\u00c7\u00d1\u00b1\u00db";
        var bytes = Latin1Bytes(Esc + "$)CThe first line includes " + hangul + ".\r\n" +
                                Esc + "$)CThe second line includes " + hangul + ", too.\r\nThe third line");
        var set = DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 149" });

        Assert.Equal("The first line includes 한글.\r\nThe second line includes 한글, too.\r\nThe third line",
            set.Decode(bytes, DicomVR.LT));
    }

    [Fact]
    public void Korean_hangul_without_escape_sequence_is_read_in_the_declared_G1_set()
    {
        // Many Korean writers omit ESC $ ) C. G1 is undefined when value 1 is empty (PS3.5 6.1.2.5.4 c); reading GR
        // bytes in the only G1 set declared is the lenient choice (pydicom reads them as Latin-1 here).
        var bytes = Latin1Bytes("\u00b1\u00e8\u00c8\u00f1\u00c1\u00df");

        Assert.Equal("김희중", DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 149" }).Decode(bytes, DicomVR.PN));
        Assert.Equal("김희중", DicomCharacterSet.Get(new[] { "ISO 2022 IR 149" }).Decode(bytes, DicomVR.PN));
    }

    // ---- PS3.5 Annexes J and K: Chinese -----------------------------------------------------------------------------

    [Fact]
    public void Example_J_3_1_GB18030_person_name()
    {
        var bytes = Hex("0x57 0x61 0x6e 0x67 0x5e 0x58 0x69 0x61 0x6f 0x44 0x6f 0x6e 0x67 0x3d 0xcd 0xf5 0x5e 0xd0 " +
                        "0xa1 0xb6 0xab 0x3d");

        Assert.Equal("Wang^XiaoDong=王^小东=", DicomCharacterSet.Get(new[] { "GB18030" }).Decode(bytes, DicomVR.PN));
        // Annex J: the examples lie in the area GBK shares with GB 18030, so they read the same under GBK.
        Assert.Equal("Wang^XiaoDong=王^小东=", DicomCharacterSet.Get(new[] { "GBK" }).Decode(bytes, DicomVR.PN));
    }

    [Fact]
    public void GB18030_four_byte_sequences_decode_outside_the_BMP()
    {
        // Python: '\U00020000\u20ac'.encode('gb18030') == 95 32 82 36 a2 e3 (a four-byte and a two-byte sequence).
        Assert.Equal("\U00020000\u20AC", DicomCharacterSet.Get(new[] { "GB18030" }).Decode(Hex("95 32 82 36 a2 e3"), DicomVR.LO));
    }

    [Fact]
    public void Example_J_4_1_GB18030_long_text()
    {
        var bytes = Hex(
            "0x54 0x68 0x65 0x20 0x66 0x69 0x72 0x73 0x74 0x20 0x6c 0x69 0x6e 0x65 0x20 0x69 0x6e 0x63 0x6c 0x75 0x64 " +
            "0x65 0x73 0xd6 0xd0 0xce 0xc4 0x2e 0x0d 0x0a 0x54 0x68 0x65 0x20 0x73 0x65 0x63 0x6f 0x6e 0x64 0x20 0x6c " +
            "0x69 0x6e 0x65 0x20 0x69 0x6e 0x63 0x6c 0x75 0x64 0x65 0x73 0xd6 0xd0 0xce 0xc4 0x2c 0x20 0x74 0x6f 0x6f " +
            "0x2e 0x0d 0x0a 0x54 0x68 0x65 0x20 0x74 0x68 0x69 0x72 0x64 0x20 0x6c 0x69 0x6e 0x65 0x2e 0x0d 0x0a");

        Assert.Equal("The first line includes中文.\r\nThe second line includes中文, too.\r\nThe third line.\r\n",
            DicomCharacterSet.Get(new[] { "GB18030" }).Decode(bytes, DicomVR.LT));
    }

    [Fact]
    public void Example_J_2_1_UTF8_long_text()
    {
        var bytes = Hex(
            "0x54 0x68 0x65 0x20 0x66 0x69 0x72 0x73 0x74 0x20 0x6c 0x69 0x6e 0x65 0x20 0x69 0x6e 0x63 0x6c 0x75 0x64 " +
            "0x65 0x73 0xe4 0xb8 0xad 0xe6 0x96 0x87 0x2e 0x0d 0x0a 0x54 0x68 0x65 0x20 0x73 0x65 0x63 0x6f 0x6e 0x64 " +
            "0x20 0x6c 0x69 0x6e 0x65 0x20 0x69 0x6e 0x63 0x6c 0x75 0x64 0x65 0x73 0xe4 0xb8 0xad 0xe6 0x96 0x87 0x2c " +
            "0x20 0x74 0x6f 0x6f 0x2e 0x0d 0x0a 0x54 0x68 0x65 0x20 0x74 0x68 0x69 0x72 0x64 0x20 0x6c 0x69 0x6e 0x65 " +
            "0x2e 0x0d 0x0a");

        Assert.Equal("The first line includes中文.\r\nThe second line includes中文, too.\r\nThe third line.\r\n",
            DicomCharacterSet.Get(new[] { "ISO_IR 192" }).Decode(bytes, DicomVR.LT));
    }

    [Fact]
    public void Example_K_2_1_GB2312_person_name_needs_a_new_designation_per_component()
    {
        var bytes = Hex("0x5A 0x68 0x61 0x6E 0x67 0x5E 0x58 0x69 0x61 0x6F 0x44 0x6F 0x6E 0x67 0x3D 0x1B 0x24 0x29 " +
                        "0x41 0xD5 0xC5 0x5E 0x1B 0x24 0x29 0x41 0xD0 0xA1 0xB6 0xAB 0x3D 0x20");

        Assert.Equal("Zhang^XiaoDong=张^小东= ",
            DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 58" }).Decode(bytes, DicomVR.PN));
    }

    [Fact]
    public void Example_K_3_1_GB2312_long_text()
    {
        var bytes = Hex(
            "0x31 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xD2 0xBB 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x0D 0x0A " +
            "0x32 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xB6 0xFE 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x0D 0x0A " +
            "0x33 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xC8 0xFD 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x0D 0x0A");

        Assert.Equal("1.第一行文字。\r\n2.第二行文字。\r\n3.第三行文字。\r\n",
            DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 58" }).Decode(bytes, DicomVR.LT));
    }

    // ---- pydicom's charset test files -------------------------------------------------------------------------------

    /// <summary>
    /// PatientName (and other text) bytes copied from /usr/lib/python3/dist-packages/pydicom/data/charset_files/
    /// (Debian python3-pydicom 2.3.1). Expected strings are pydicom's decoding, checked against the ISO 8859 /
    /// JIS / KS X 1001 / GB tables; where pydicom formats PN (dropping a trailing '=' and padding) the raw decoding
    /// with padding is expected, as <see cref="DicomCharacterSet.Decode"/> keeps it.
    /// </summary>
    public static TheoryData<string, string, string, string, string> PydicomCharsetFiles => new()
    {
        { "chrArab PN", "ISO_IR 127", "PN", "\u00e2\u00c8\u00c7\u00e6\u00ea^\u00e4\u00e6\u00d2\u00c7\u00d1 ", "قباني^لنزار " },
        { "chrFren PN", "ISO_IR 100", "PN", "Buc^J\u00e9r\u00f4me", "Buc^Jérôme" },
        { "chrFrenMulti OtherPatientNames", "ISO_IR 100", "PN", "Buc^J\u00e9r\u00f4me\\Buc^J\u00e9r\u00f4me ", "Buc^Jérôme\\Buc^Jérôme " },
        { "chrGerm PN", "ISO_IR 100", "PN", "\u00c4neas^R\u00fcdiger ", "Äneas^Rüdiger " },
        { "chrGreek PN", "ISO_IR 126", "PN", "\u00c4\u00e9\u00ef\u00ed\u00f5\u00f3\u00e9\u00ef\u00f2 ", "Διονυσιος " },
        { "chrHbrw PN", "ISO_IR 138", "PN", "\u00f9\u00f8\u00e5\u00ef^\u00e3\u00e1\u00e5\u00f8\u00e4", "שרון^דבורה" },
        { "chrRuss PN", "ISO_IR 144", "PN", "\u00bb\u00ee\u00dace\u00dc\u00d1yp\u00d3", "Люкceмбypг" },
        {
            "chrH31 PN", "\\ISO 2022 IR 87", "PN",
            "Yamada^Tarou=" + Esc + "$B;3ED" + Esc + "(B^" + Esc + "$BB@O:" + Esc + "(B=" + Esc + "$B$d$^$@" + Esc +
            "(B^" + Esc + "$B$?$m$&" + Esc + "(B",
            "Yamada^Tarou=山田^太郎=やまだ^たろう"
        },
        {
            "chrH32 PN", "ISO 2022 IR 13\\ISO 2022 IR 87", "PN",
            "\u00d4\u00cf\u00c0\u00de^\u00c0\u00db\u00b3=" + Esc + "$B;3ED" + Esc + "(J^" + Esc + "$BB@O:" + Esc +
            "(J=" + Esc + "$B$d$^$@" + Esc + "(J^" + Esc + "$B$?$m$&" + Esc + "(J",
            "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"
        },
        {
            "chrI2 PN", "\\ISO 2022 IR 149", "PN",
            "Hong^Gildong=" + Esc + "$)C\u00fb\u00f3^" + Esc + "$)C\u00d1\u00ce\u00d4\u00d7=" + Esc + "$)C\u00c8\u00ab^" +
            Esc + "$)C\u00b1\u00e6\u00b5\u00bf",
            "Hong^Gildong=洪^吉洞=홍^길동"
        },
        {
            "chrJapMulti OtherPatientNames", "\\ISO 2022 IR 87", "PN",
            Esc + "$B$d$^$@" + Esc + "(B^" + Esc + "$B$?$m$&" + Esc + "(B\\" + Esc + "$B$d$^$@" + Esc + "(B^" + Esc +
            "$B$?$m$&" + Esc + "(B ",
            "やまだ^たろう\\やまだ^たろう "
        },
        { "chrJapMulti AdditionalPatientHistory", "\\ISO 2022 IR 87", "LT", Esc + "$B$?$m$&" + Esc + "(B", "たろう" },
        {
            "chrJapMultiExplicitIR6 PN", "ISO 2022 IR 6\\ISO 2022 IR 87", "PN",
            Esc + "$B$d$^$@" + Esc + "(B^" + Esc + "$B$?$m$&" + Esc + "(B ", "やまだ^たろう "
        },
        {
            "chrKoreanMulti OtherPatientNames", "\\ISO 2022 IR 149", "PN",
            Esc + "$)C\u00b1\u00e8\u00c8\u00f1\u00c1\u00df" + Esc + "(B\\" + Esc + "$)C\u00b1\u00e8\u00c8\u00f1\u00c1\u00df" +
            Esc + "(B ",
            "김희중\\김희중 "
        },
        { "chrKoreanMulti AdditionalPatientHistory", "\\ISO 2022 IR 149", "LT", Esc + "$)C\u00b1\u00e8\u00c8\u00f1\u00c1\u00df" + Esc + "(B ", "김희중 " },
        {
            // The item's own (0008,0005); returns with ESC ( B although value 1 is ISO 2022 IR 13 (ASCII and ISO-IR
            // 14 differ only in 05/12 and 07/14, which this value does not use).
            "chrSQEncoding item PN", "ISO 2022 IR 13\\ISO 2022 IR 87", "PN",
            "\u00d4\u00cf\u00c0\u00de^\u00c0\u00db\u00b3=" + Esc + "$B;3ED" + Esc + "(B^" + Esc + "$BB@O:" + Esc +
            "(B=" + Esc + "$B$d$^$@" + Esc + "(B^" + Esc + "$B$?$m$&" + Esc + "(B",
            "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"
        },
        // PS3.5 J.1 example in UTF-8 (the file's trailing "= " is kept: pydicom's PersonName formatting drops it).
        { "chrX1 PN", "ISO_IR 192", "PN", "Wang^XiaoDong=\u00e7\u008e\u008b^\u00e5\u00b0\u008f\u00e6\u009d\u00b1= ", "Wang^XiaoDong=王^小東= " },
        { "chrX2 PN", "GB18030", "PN", "Wang^XiaoDong=\u00cd\u00f5^\u00d0\u00a1\u00b6\u00ab=", "Wang^XiaoDong=王^小东=" },
    };

    [Theory]
    [MemberData(nameof(PydicomCharsetFiles))]
    public void Pydicom_charset_file_values_decode_as_pydicom_reads_them(string source, string specificCharacterSet,
        string vr, string valueBytesAsLatin1, string expected)
    {
        var set = DicomCharacterSet.Get(specificCharacterSet.Split('\\'));
        Assert.True(DicomVRInfo.TryParse(vr, out var parsedVr));

        var decoded = set.Decode(Latin1Bytes(valueBytesAsLatin1), parsedVr);

        Assert.True(expected == decoded, $"{source}: expected '{expected}', got '{decoded}'");
    }

    // ---- single-byte sets -------------------------------------------------------------------------------------------

    /// <summary>Samples encoded with Python's codecs at test-development time (e.g. 'Łódź^Żółć'.encode('iso8859_2')).</summary>
    public static TheoryData<string, string, string> SingleByteSamples => new()
    {
        { "ISO_IR 101", "\u00a3\u00f3d\u00bc^\u00af\u00f3\u00b3\u00e6", "Łódź^Żółć" },
        { "ISO_IR 109", "\u00a1al G\u00b1arg\u00b1ur", "Ħal Għargħur" },
        { "ISO_IR 110", "\u00d3\u00bani\u00f1\u00b9^\u00c0ns", "Ķēniņš^Āns" },
        { "ISO_IR 148", "G\u00fcne\u00fe^I\u00fe\u00fdk", "Güneş^Işık" },
        { "ISO_IR 203", "Prix\u00a4^\u00bcuvre", "Prix€^Œuvre" },
        { "ISO_IR 166", "\u00c0\u00d2\u00c9\u00d2\u00e4\u00b7\u00c2", "ภาษาไทย" },
        { "ISO_IR 13", "\u00d4\u00cf\u00c0\u00de", "ﾔﾏﾀﾞ" },
        { "ISO 2022 IR 166", Esc + "-T\u00c0\u00d2\u00c9\u00d2", "ภาษา" },
    };

    [Theory]
    [MemberData(nameof(SingleByteSamples))]
    public void Single_byte_sets_decode_their_right_half(string term, string valueBytesAsLatin1, string expected)
    {
        Assert.Equal(expected, DicomCharacterSet.Get(new[] { term }).Decode(Latin1Bytes(valueBytesAsLatin1), DicomVR.PN));
    }

    [Fact]
    public void Default_character_set_reads_bytes_above_0x7F_as_latin1()
    {
        var set = DicomCharacterSet.Default;

        Assert.Empty(set.Terms);
        Assert.Equal("Jérôme", set.Decode(Latin1Bytes("J\u00e9r\u00f4me"), DicomVR.PN));
        Assert.Same(set, DicomCharacterSet.Get(Array.Empty<string>()));
        Assert.Same(set, DicomCharacterSet.Get(new[] { "" }));
        Assert.Same(set, DicomCharacterSet.Get(new[] { "  ", "" }));
        Assert.Equal("Jérôme", DicomCharacterSet.Get(new[] { "ISO_IR 6" }).Decode(Latin1Bytes("J\u00e9r\u00f4me"), DicomVR.LO));
    }

    // ---- code extensions and the resets of PS3.5 6.1.2.5.3 ----------------------------------------------------------

    [Fact]
    public void Escape_sequences_switch_G1_between_single_byte_sets()
    {
        // Table C.12-3: ESC - F designates ISO-IR 126 (Greek) and ESC - A ISO-IR 100 to G1; 0xE1 is α / á.
        var set = DicomCharacterSet.Get(new[] { "ISO 2022 IR 100", "ISO 2022 IR 126" });
        var bytes = Latin1Bytes("\u00e1" + Esc + "-F\u00e1\u00e2" + Esc + "-A\u00e1");

        Assert.Equal("áαβá", set.Decode(bytes, DicomVR.LO));
    }

    [Fact]
    public void Person_name_delimiters_reset_to_the_initial_set_but_not_in_other_VRs()
    {
        var set = DicomCharacterSet.Get(new[] { "ISO 2022 IR 100", "ISO 2022 IR 126" });
        var caretEquals = Latin1Bytes(Esc + "-F\u00e1^\u00e1=\u00e1");

        Assert.Equal("α^á=á", set.Decode(caretEquals, DicomVR.PN));
        Assert.Equal("α^α=α", set.Decode(caretEquals, DicomVR.LO));
    }

    [Fact]
    public void Backslash_resets_in_multi_valued_VRs_but_not_in_LT_ST_UT()
    {
        var set = DicomCharacterSet.Get(new[] { "ISO 2022 IR 100", "ISO 2022 IR 126" });
        var bytes = Latin1Bytes(Esc + "-F\u00e1\\\u00e1");

        Assert.Equal("α\\á", set.Decode(bytes, DicomVR.LO));
        Assert.Equal("α\\á", set.Decode(bytes, DicomVR.UC));
        Assert.Equal("α\\α", set.Decode(bytes, DicomVR.LT));
        Assert.Equal("α\\α", set.Decode(bytes, DicomVR.ST));
        Assert.Equal("α\\α", set.Decode(bytes, DicomVR.UT));
    }

    [Fact]
    public void Control_characters_reset_to_the_initial_set_in_text()
    {
        var set = DicomCharacterSet.Get(new[] { "ISO 2022 IR 100", "ISO 2022 IR 126" });

        Assert.Equal("α\r\ná", set.Decode(Latin1Bytes(Esc + "-F\u00e1\r\n\u00e1"), DicomVR.LT));
        Assert.Equal("α\tá", set.Decode(Latin1Bytes(Esc + "-F\u00e1\t\u00e1"), DicomVR.UT));
        Assert.Equal("α\fá", set.Decode(Latin1Bytes(Esc + "-F\u00e1\f\u00e1"), DicomVR.ST));
        // A double-byte G0 set also ends at a line end: the next line starts in ASCII.
        var japanese = DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 87" });
        Assert.Equal("山\nAB", japanese.Decode(Latin1Bytes(Esc + "$B;3\nAB"), DicomVR.LT));
    }

    [Fact]
    public void Escape_sequences_are_honoured_even_when_the_set_was_not_declared()
    {
        // The bytes leave no doubt, so a single-valued or incomplete (0008,0005) does not stop them.
        var set = DicomCharacterSet.Get(new[] { "ISO_IR 100" });

        Assert.Equal("山田é", set.Decode(Latin1Bytes(Esc + "$B;3ED" + Esc + "(B\u00e9"), DicomVR.PN));
    }

    [Fact]
    public void Broken_escape_sequences_and_truncated_characters_become_replacement_characters()
    {
        var set = DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 87", "ISO 2022 IR 149" });

        Assert.Equal("A\uFFFDB", set.Decode(Latin1Bytes("A" + Esc + "(ZB"), DicomVR.LO));   // unknown final byte
        Assert.Equal("A\uFFFD", set.Decode(Latin1Bytes("A" + Esc), DicomVR.LO));            // ESC at the end
        Assert.Equal("A\uFFFD", set.Decode(Latin1Bytes("A" + Esc + "$("), DicomVR.LO));      // cut-off sequence
        Assert.Equal("山\uFFFD", set.Decode(Latin1Bytes(Esc + "$B;3;"), DicomVR.LO));         // half a kanji
        Assert.Equal("\uFFFDA", set.Decode(Latin1Bytes(Esc + "$)C\u00b1A"), DicomVR.LO));    // half a hangul
    }

    // ---- stand-alone sets and VRs without a character set -----------------------------------------------------------

    [Fact]
    public void Utf8_invalid_bytes_become_replacement_characters()
    {
        var set = DicomCharacterSet.Get(new[] { "ISO_IR 192" });

        Assert.Equal("é\uFFFDx", set.Decode(Hex("c3 a9 ff 78"), DicomVR.LO));
    }

    [Fact]
    public void VRs_outside_the_character_set_rule_are_read_as_latin1()
    {
        // PS3.3 C.12.1.1.2: (0008,0005) applies to SH, LO, ST, PN, LT, UC and UT only.
        var utf8 = DicomCharacterSet.Get(new[] { "ISO_IR 192" });
        Assert.Equal("AB\u00c3\u00a9", utf8.Decode(Hex("41 42 c3 a9"), DicomVR.CS));
        Assert.Equal("é", utf8.Decode(Hex("c3 a9"), DicomVR.PN));

        var japanese = DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 87" });
        Assert.Equal(Esc + "$B;3", japanese.Decode(Latin1Bytes(Esc + "$B;3"), DicomVR.CS));
        Assert.Equal("\u00e9", japanese.Decode(Hex("e9"), DicomVR.None));
    }

    // ---- (0008,0005) values ------------------------------------------------------------------------------------------

    public static TheoryData<string, string, string, string> MisspelledTerms => new()
    {
        // value as found, the Defined Term it is read as, bytes (Latin-1 view), expected text in that set
        { "ISO-IR 100", "ISO_IR 100", "J\u00e9r\u00f4me", "Jérôme" },
        { "ISO_IR100", "ISO_IR 100", "J\u00e9r\u00f4me", "Jérôme" },
        { "ISO IR 100", "ISO_IR 100", "J\u00e9r\u00f4me", "Jérôme" },
        { "iso_ir 100", "ISO_IR 100", "J\u00e9r\u00f4me", "Jérôme" },
        { "latin1", "ISO_IR 100", "J\u00e9r\u00f4me", "Jérôme" },
        { "ISO-IR 144", "ISO_IR 144", "\u00bb\u00ee\u00da", "Люк" },
        { "ISO-8859-15", "ISO_IR 203", "\u00a4", "€" },
        { "UTF-8", "ISO_IR 192", "\u00c3\u00a9", "é" },
        { "ISO2022IR87", "ISO 2022 IR 87", Esc + "$B;3", "山" },
        { "ISO_IR 87", "ISO 2022 IR 87", Esc + "$B;3", "山" },
        { "ISO 2022 IR149", "ISO 2022 IR 149", "\u00b1\u00e8", "김" },
        { "GB2312", "ISO 2022 IR 58", "\u00d5\u00c5", "张" },
    };

    [Theory]
    [MemberData(nameof(MisspelledTerms))]
    public void Misspelled_terms_are_read_as_the_defined_term_with_a_warning(string value, string definedTerm,
        string valueBytesAsLatin1, string expected)
    {
        var warnings = new List<string>();

        var set = DicomCharacterSet.Get(new[] { value }, warnings.Add);

        Assert.Equal(expected, set.Decode(Latin1Bytes(valueBytesAsLatin1), DicomVR.LO));
        var warning = Assert.Single(warnings);
        Assert.Contains($"'{value}'", warning);
        Assert.Contains(definedTerm, warning);
        Assert.Equal(new[] { value }, set.Terms);
    }

    [Fact]
    public void Unknown_terms_fall_back_to_latin1_and_name_the_term_in_a_warning()
    {
        var warnings = new List<string>();

        var set = DicomCharacterSet.Get(new[] { "WINDOWS-1250" }, warnings.Add);

        Assert.Equal("Jérôme", set.Decode(Latin1Bytes("J\u00e9r\u00f4me"), DicomVR.PN));
        Assert.Contains("'WINDOWS-1250'", Assert.Single(warnings));

        warnings.Clear();
        var second = DicomCharacterSet.Get(new[] { "", "KLINGON" }, warnings.Add);
        Assert.Contains("'KLINGON'", Assert.Single(warnings));
        Assert.Equal("abc", second.Decode(Latin1Bytes("abc"), DicomVR.PN));
    }

    [Fact]
    public void Stand_alone_sets_are_not_combined_with_code_extensions()
    {
        var warnings = new List<string>();

        var utf8First = DicomCharacterSet.Get(new[] { "ISO_IR 192", "ISO 2022 IR 87" }, warnings.Add);
        Assert.Equal("é", utf8First.Decode(Hex("c3 a9"), DicomVR.PN));
        Assert.Contains("ISO 2022 IR 87", Assert.Single(warnings));

        warnings.Clear();
        var utf8Later = DicomCharacterSet.Get(new[] { "ISO_IR 100", "ISO_IR 192" }, warnings.Add);
        Assert.Equal("\u00c3\u00a9", utf8Later.Decode(Hex("c3 a9"), DicomVR.PN));
        Assert.Contains("ISO_IR 192", Assert.Single(warnings));

        warnings.Clear();
        var utf8AfterEmpty = DicomCharacterSet.Get(new[] { "", "ISO_IR 192" }, warnings.Add);
        Assert.Equal("é", utf8AfterEmpty.Decode(Hex("c3 a9"), DicomVR.PN));
        Assert.Single(warnings);
    }

    [Fact]
    public void Instances_are_cached_per_value_and_warnings_repeat_for_each_caller()
    {
        var first = new List<string>();
        var second = new List<string>();

        var a = DicomCharacterSet.Get(new[] { "ISO-IR 101 " }, first.Add);
        var b = DicomCharacterSet.Get(new List<string> { "ISO-IR 101" }, second.Add);

        Assert.Same(a, b);
        Assert.Single(first);
        Assert.Equal(first, second);
        Assert.Same(DicomCharacterSet.Get(new[] { "ISO_IR 192" }), DicomCharacterSet.Get(new[] { "ISO_IR 192" }));
        Assert.NotSame(DicomCharacterSet.Get(new[] { "ISO_IR 100" }), DicomCharacterSet.Get(new[] { "ISO_IR 101" }));
    }

    [Fact]
    public void Values_passed_unsplit_give_the_same_character_set()
    {
        var split = DicomCharacterSet.Get(new[] { "ISO 2022 IR 13", "ISO 2022 IR 87" });
        var unsplit = DicomCharacterSet.Get(new[] { "ISO 2022 IR 13\\ISO 2022 IR 87 " });

        Assert.Same(split, unsplit);
        Assert.Equal(new[] { "ISO 2022 IR 13", "ISO 2022 IR 87" }, unsplit.Terms);
    }

    // ---- performance and concurrency contracts ----------------------------------------------------------------------

    [Fact]
    public void Ascii_values_allocate_only_the_result_string()
    {
        var value = Encoding.ASCII.GetBytes("SMITH^JOHN^^^ 1234567890 ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnop");
        var sets = new[]
        {
            DicomCharacterSet.Default,
            DicomCharacterSet.Get(new[] { "ISO_IR 100" }),
            DicomCharacterSet.Get(new[] { "ISO_IR 144" }),
            DicomCharacterSet.Get(new[] { "ISO_IR 192" }),
            DicomCharacterSet.Get(new[] { "GB18030" }),
            DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 87" }),
        };
        // Many repetitions and a few bytes of slack: a one-off allocation in the loop (a JIT tier-up, a cache) must not
        // fail the test, while one extra buffer per decode (dozens of bytes each time) still does.
        const int repetitions = 1000;
        const int slackBytes = 8;
        foreach (var set in sets)
        {
            set.Decode(value, DicomVR.PN); // warm up (JIT, lazy tables)
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < repetitions; i++) set.Decode(value, DicomVR.PN);
            var perDecode = (GC.GetAllocatedBytesForCurrentThread() - before) / repetitions;

            var stringBefore = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < repetitions; i++) _ = new string('x', value.Length);
            var perString = (GC.GetAllocatedBytesForCurrentThread() - stringBefore) / repetitions;

            Assert.True(perDecode <= perString + slackBytes, $"{set}: {perDecode} bytes per decode, a {value.Length}-char string takes {perString}");
        }
    }

    [Fact]
    public void Concurrent_first_use_of_the_double_byte_tables_gives_the_same_text()
    {
        var japanese = Latin1Bytes("Yamada^Tarou=" + Esc + "$B;3ED" + Esc + "(B^" + Esc + "$BB@O:" + Esc + "(B");
        var korean = Latin1Bytes(Esc + "$)C\u00b1\u00e8\u00c8\u00f1\u00c1\u00df");
        var chinese = Latin1Bytes(Esc + "$)A\u00d5\u00c5^" + Esc + "$)A\u00d0\u00a1\u00b6\u00ab");
        var results = new string[3 * 64];

        Parallel.For(0, 64, i =>
        {
            results[3 * i] = DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 87" }).Decode(japanese, DicomVR.PN);
            results[3 * i + 1] = DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 149" }).Decode(korean, DicomVR.PN);
            results[3 * i + 2] = DicomCharacterSet.Get(new[] { "", "ISO 2022 IR 58" }).Decode(chinese, DicomVR.PN);
        });

        for (var i = 0; i < 64; i++)
        {
            Assert.Equal("Yamada^Tarou=山田^太郎", results[3 * i]);
            Assert.Equal("김희중", results[3 * i + 1]);
            Assert.Equal("张^小东", results[3 * i + 2]);
        }
    }

    // ---- whole tables and real files against Python at test time ----------------------------------------------------

    /// <summary>
    /// Every cell of every set against Python's codecs: ISO 8859 parts and TIS-620 (as ISO 8859-11) byte by byte,
    /// JIS X 0201 katakana (shift_jis), JIS X 0208 (iso2022_jp), JIS X 0212 (iso2022_jp_2), KS X 1001 (euc_kr) and
    /// GB 2312 (cells gb2312 defines, mapped as gb18030 maps them). Where Python defines a cell we must give the same
    /// character; where it does not, U+FFFD or (double-byte sets only) a vendor extension of the runtime's code page.
    /// </summary>
    [SkippableFact]
    public void Every_table_cell_matches_pythons_codecs()
    {
        ReferenceTools.RequirePython();
        const string script = """
            import sys
            single = [('ISO_IR 100','latin_1'),('ISO_IR 101','iso8859_2'),('ISO_IR 109','iso8859_3'),
                      ('ISO_IR 110','iso8859_4'),('ISO_IR 144','iso8859_5'),('ISO_IR 127','iso8859_6'),
                      ('ISO_IR 126','iso8859_7'),('ISO_IR 138','iso8859_8'),('ISO_IR 148','iso8859_9'),
                      ('ISO_IR 203','iso8859_15'),('ISO_IR 166','iso8859_11'),('ISO_IR 13','shift_jis')]
            def out(term, esc, raw, text):
                cp = '-' if text is None or len(text) != 1 else '%04X' % ord(text)
                sys.stdout.write('%s\t%s\t%s\n' % (term, (esc + raw).hex(), cp))
            for term, codec in single:
                for b in range(0xA0, 0x100):
                    try: t = bytes([b]).decode(codec)
                    except UnicodeDecodeError: t = None
                    out(term, b'', bytes([b]), t)
            double = [('ISO 2022 IR 87', b'\x1b$B', 0x00), ('ISO 2022 IR 159', b'\x1b$(D', 0x00),
                      ('ISO 2022 IR 149', b'\x1b$)C', 0x80), ('ISO 2022 IR 58', b'\x1b$)A', 0x80)]
            def ref(term, r, c):
                try:
                    if term == 'ISO 2022 IR 87': return (b'\x1b$B' + bytes([r, c]) + b'\x1b(B').decode('iso2022_jp')
                    if term == 'ISO 2022 IR 159': return (b'\x1b$(D' + bytes([r, c]) + b'\x1b(B').decode('iso2022_jp_2')
                    if term == 'ISO 2022 IR 149': return bytes([r | 0x80, c | 0x80]).decode('euc_kr')
                    bytes([r | 0x80, c | 0x80]).decode('gb2312')
                    return bytes([r | 0x80, c | 0x80]).decode('gb18030')
                except UnicodeDecodeError:
                    return None
            for term, esc, high in double:
                for r in range(0x21, 0x7F):
                    for c in range(0x21, 0x7F):
                        out(term, esc, bytes([r | high, c | high]), ref(term, r, c))
            """;
        var output = RunPython(script, null);

        var mismatches = new List<string>();
        var cells = 0;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            var term = fields[0];
            var bytes = Convert.FromHexString(fields[1]);
            var isDoubleByte = term.StartsWith("ISO 2022", StringComparison.Ordinal);
            var set = DicomCharacterSet.Get(isDoubleByte ? new[] { "", term } : new[] { term });
            var decoded = set.Decode(bytes, DicomVR.LO);
            cells++;
            if (fields[2] == "-")
            {
                if (decoded.Length != 1 || (!isDoubleByte && decoded[0] != '\uFFFD'))
                    mismatches.Add($"{term} {fields[1]}: Python has no character, we give {Describe(decoded)}");
            }
            else if (decoded != ((char)int.Parse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString())
            {
                mismatches.Add($"{term} {fields[1]}: Python U+{fields[2]}, we give {Describe(decoded)}");
            }
        }

        Assert.Equal(12 * 96 + 4 * 94 * 94, cells);
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} cells differ:\n" + string.Join("\n", mismatches.Take(40)));
    }

    /// <summary>
    /// Every text value of pydicom's charset files and of the shared corpus, decoded by pydicom 2.3.1 at test time
    /// (its charset.decode_bytes, value by value and PN group by group as pydicom itself does, with (0008,0005)
    /// inherited into sequence items), must decode the same here. Values pydicom warns it could not decode are
    /// skipped: there pydicom is not a truth.
    /// </summary>
    [SkippableFact]
    public void Text_values_of_real_files_decode_as_pydicom_decodes_them()
    {
        ReferenceTools.RequirePython("pydicom");
        var directories = new List<string>();
        const string charsetFiles = "/usr/lib/python3/dist-packages/pydicom/data/charset_files";
        if (Directory.Exists(charsetFiles)) directories.Add(charsetFiles);
        if (TestCorpus.Directory is not null) directories.Add(TestCorpus.Directory);
        if (directories.Count == 0) CorpusFacts.RequireCorpus();

        const string script = """
            import sys, os, glob, json, warnings
            import pydicom, pydicom.datadict
            from pydicom.charset import decode_bytes, convert_encodings
            from pydicom.valuerep import TEXT_VR_DELIMS, PN_DELIMS
            from pydicom.dataelem import RawDataElement
            TEXT = ('SH', 'LO', 'ST', 'LT', 'PN', 'UC', 'UT')
            def expected(raw, vr, enc):
                if vr in ('LT', 'ST', 'UT'):
                    return decode_bytes(raw, enc, TEXT_VR_DELIMS)
                parts = raw.split(b'\\')
                if vr == 'PN':
                    return '\\'.join('='.join(decode_bytes(g, enc, PN_DELIMS) for g in p.split(b'=')) for p in parts)
                return '\\'.join(decode_bytes(p, enc, TEXT_VR_DELIMS) for p in parts)
            def walk(path, ds, scs):
                raw_scs = ds._dict.get(0x00080005)
                if raw_scs is not None:
                    value = ds.get('SpecificCharacterSet')
                    if isinstance(value, bytes):
                        value = value.decode('latin_1').split('\\')
                    scs = [] if value is None else ([value] if isinstance(value, str) else [str(v) for v in value])
                for tag in sorted(ds._dict.keys()):
                    elem = ds._dict[tag]
                    vr = elem.VR if isinstance(elem, RawDataElement) else None
                    if isinstance(elem, RawDataElement) and vr is None:
                        try:
                            vr = pydicom.datadict.dictionary_VR(tag)
                        except KeyError:
                            vr = None
                    if isinstance(elem, RawDataElement) and vr in TEXT and elem.value:
                        with warnings.catch_warnings(record=True) as caught:
                            warnings.simplefilter('always')
                            enc = convert_encodings(scs or None)
                            text = expected(elem.value, vr, enc)
                        failed = any('decode' in str(w.message) or 'escape' in str(w.message) for w in caught)
                        print(json.dumps({'file': os.path.basename(path), 'tag': '%08X' % tag, 'vr': vr,
                                          'scs': scs, 'raw': elem.value.hex(), 'text': text, 'skip': failed}))
                    if tag != 0x7FE00010:
                        try:
                            elem = ds[tag]
                        except Exception:
                            continue
                        if elem.VR == 'SQ':
                            for item in elem.value:
                                walk(path, item, scs)
            for directory in sys.argv[1:]:
                for path in sorted(glob.glob(os.path.join(directory, '*.dcm'))):
                    try:
                        ds = pydicom.dcmread(path, force=True, stop_before_pixels=True)
                        walk(path, ds, [])
                    except Exception as e:
                        sys.stderr.write('%s: %s\n' % (path, e))
            """;
        var output = RunPython(script, directories);

        var compared = 0;
        var nonAscii = 0;
        var mismatches = new List<string>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.GetProperty("skip").GetBoolean()) continue;
            var terms = root.GetProperty("scs").EnumerateArray().Select(t => t.GetString() ?? "").ToArray();
            var raw = Convert.FromHexString(root.GetProperty("raw").GetString()!);
            Assert.True(DicomVRInfo.TryParse(root.GetProperty("vr").GetString(), out var vr));
            var expected = root.GetProperty("text").GetString()!;

            var decoded = DicomCharacterSet.Get(terms).Decode(raw, vr);

            compared++;
            if (raw.Any(b => b >= 0x80 || b == 0x1B)) nonAscii++;
            if (decoded != expected)
            {
                mismatches.Add($"{root.GetProperty("file").GetString()} ({root.GetProperty("tag").GetString()}) " +
                               $"[{string.Join('\\', terms)}]: pydicom '{expected}', we '{decoded}'");
            }
        }

        Assert.True(compared > 0, "pydicom reported no text values");
        Assert.True(nonAscii >= 20, $"only {nonAscii} values with non-ASCII bytes or escapes were compared");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {compared} values differ:\n" + string.Join("\n", mismatches.Take(40)));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /// <summary>Bytes written in the standard's column/row notation ("05/09 06/01 ...").</summary>
    private static byte[] ColumnRow(string notation) =>
        notation.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('/'))
            .Select(parts => (byte)(int.Parse(parts[0], CultureInfo.InvariantCulture) * 16 +
                                    int.Parse(parts[1], CultureInfo.InvariantCulture)))
            .ToArray();

    /// <summary>Bytes written as hex ("0x57 0x61" or "c3 a9").</summary>
    private static byte[] Hex(string notation) =>
        notation.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(token => Convert.ToByte(token.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? token[2..] : token, 16))
            .ToArray();

    /// <summary>Bytes whose values are the chars of <paramref name="text"/> (a Latin-1 view, as Python's bytes literals).</summary>
    private static byte[] Latin1Bytes(string text)
    {
        Assert.True(text.All(c => c <= '\u00ff'), "test bytes must be written as chars U+0000..U+00FF");
        return Encoding.Latin1.GetBytes(text);
    }

    private static string Describe(string text) =>
        text.Length == 0 ? "nothing" : string.Join(" ", text.Select(c => $"U+{(int)c:X4}"));

    private static string RunPython(string script, IEnumerable<string>? arguments) =>
        ReferenceTools.RunPython(script, arguments, timeout: TimeSpan.FromMinutes(2));
}
