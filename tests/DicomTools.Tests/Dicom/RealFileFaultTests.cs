using DicomTools.Dicom;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// Faults a comparison over real scanner files found (issue 10), each with a fixture in tests/fixtures/faults/ (made
/// by its make.sh with DCMTK and pydicom) or bytes written here, kept as regression tests.
/// </summary>
public sealed class RealFileFaultTests
{
    private static string Fault(string name) => CodecTestFiles.Fixture("faults", name);

    /// <summary>Pixel Data value bytes exactly as they lie in the file (no decoding: the value's byte range).</summary>
    private static byte[] StoredPixelBytes(string path)
    {
        var file = DicomFile.Open(path, DicomReadOptions.Full);
        var pixel = file.PixelData!;
        return File.ReadAllBytes(path).AsSpan((int)pixel.ValueOffset, (int)pixel.AvailableLength).ToArray();
    }

    // Fault 1. DCMTK's dcmconv +tb turned an 8-bit RGB image in OW into Explicit VR Big Endian by swapping every
    // 16-bit word (OW is a stream of words, PS3.5 7.3 / A.3); GDCM reads it back to the little-endian original
    // (gdcmraw, gdcmconv --raw), and so must we. pydicom 2.3.1 reads the bytes in file order (wrong).
    [Theory]
    [InlineData("rgb8odd")]   // 3x3 RGB: 27 bytes and a padding byte
    [InlineData("rgb8odd3f")] // three such frames: frames 1 and 2 start inside a word
    public void Eight_bit_samples_in_big_endian_OW_come_out_as_the_little_endian_original(string name)
    {
        // The little-endian original's OW value in file order is the sample stream (PS3.5 8.1.1 for 8-bit data).
        var expected = StoredPixelBytes(Fault(name + ".le.dcm"));
        var reader = PixelDataReader.Open(Fault(name + ".be.dcm"));
        Assert.Equal(DicomVR.OW, reader.Header.Elements[DicomTag.PixelData]!.VR);
        var frameLength = 3 * 3 * 3;
        for (var frame = 0; frame < reader.NumberOfFrames; frame++)
        {
            var pixels = Assert.IsType<byte[]>(reader.ReadFrame(frame).Pixels);
            Assert.True(expected.AsSpan(frame * frameLength, frameLength).SequenceEqual(pixels),
                $"{name}.be.dcm frame {frame}: {Convert.ToHexString(pixels)}, expected {Convert.ToHexString(expected, frame * frameLength, frameLength)}");
        }
    }

    [Fact]
    public void Eight_bit_samples_in_big_endian_OB_are_never_swapped()
    {
        // OB is a byte stream in every transfer syntax (PS3.5 7.3): dcmconv +tb keeps the bytes and the VR.
        var expected = StoredPixelBytes(CodecTestFiles.Fixture("codec-sources", "u8.dcm"));
        var reader = PixelDataReader.Open(Fault("u8.be.dcm"));
        Assert.Equal(DicomVR.OB, reader.Header.Elements[DicomTag.PixelData]!.VR);
        Assert.Equal(expected, Assert.IsType<byte[]>(reader.ReadFrame(0).Pixels));
    }

    [Fact]
    public void One_bit_samples_in_big_endian_OW_are_read_from_swapped_words()
    {
        // 1x16 bitmap: pixels 0 and 15 set. As a little-endian bit stream that is bytes 01 80, the 16-bit word 0x8001;
        // a big-endian OW value holds that word as 80 01 (PS3.5 7.3, D.2).
        var body = new DicomBytes(bigEndian: true)
            .US(0x0028, 0x0002, 1).Text(0x0028, 0x0004, "CS", "MONOCHROME2")
            .US(0x0028, 0x0010, 1).US(0x0028, 0x0011, 16)
            .US(0x0028, 0x0100, 1).US(0x0028, 0x0101, 1).US(0x0028, 0x0102, 0).US(0x0028, 0x0103, 0);
        body.Element(0x7FE0, 0x0010, "OW", body.Words(0x8001));
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitBE, body));

        var pixels = Assert.IsType<byte[]>(PixelDataReader.Open(temp.Open()).ReadFrame(0).Pixels);

        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, pixels);
    }

    // Fault 2. Elements after Pixel Data (a private group, Digital Signatures, trailing padding) must be listed by a
    // header-only read, for native, encapsulated and deflated files alike (dcmdump lists all three).
    [Theory]
    [InlineData("trailing.native.dcm")]
    [InlineData("trailing.rle.dcm")]
    [InlineData("trailing.deflate.dcm")]
    public void Header_only_read_lists_the_elements_after_pixel_data(string name)
    {
        var info = new DicomInfo(DicomFile.Open(Fault(name), DicomReadOptions.HeaderOnly));

        Assert.Equal("after the image", info["E029,1001"]);
        Assert.Equal("ACME 1.0", info["(E029,0010)"]);
        var signatures = info.Elements.GetSequence(new DicomTag(0xFFFA, 0xFFFA));
        Assert.Single(signatures);
        Assert.Equal("1.2.3.4.5.6", signatures[0].GetString(new DicomTag(0x0400, 0x0100)));
        Assert.Equal(16, info.GetElement("FFFC,FFFC")!.Length);
        var tags = info.Elements.Select(e => e.Tag).ToList();
        Assert.True(tags.IndexOf(DicomTag.PixelData) < tags.IndexOf(new DicomTag(0xE029, 0x1001)), "listed in file order");
        Assert.Empty(info.Warnings);
        Assert.False(info.File.PixelData!.IsValueLoaded && !info.File.TransferSyntax.IsDeflated, "a header read leaves native pixels on disk");
    }

    [SkippableFact]
    public void Private_group_after_the_image_of_a_real_file_is_listed()
    {
        // fo-dicom's CR-ModalitySequenceLUT sample keeps a private group (CB0D) after Pixel Data; dcmdump lists
        // (cb0d,0010) LO [DOBCO Medical Systems], (cb0d,1001) SS 0, (cb0d,1011) US 1, (cb0d,1012) US 19.
        CorpusFacts.RequireCorpus();
        var info = new DicomInfo(DicomFile.Open(TestCorpus.PathOf("fodicom__CR-ModalitySequenceLUT.dcm"), DicomReadOptions.HeaderOnly));

        Assert.Equal("DOBCO Medical Systems", info["CB0D,0010"]);
        Assert.Equal(new[] { "(CB0D,0010)", "(CB0D,1001)", "(CB0D,1011)", "(CB0D,1012)" },
            info.Elements.Select(e => e.Tag.ToString()).SkipWhile(t => t != "(7FE0,0010)").Skip(1));
    }

    [Fact]
    public void Damaged_data_after_pixel_data_warns_and_keeps_the_header()
    {
        var body = new DicomBytes().Text(0x0008, 0x0060, "CS", "OT").US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2)
            .US(0x0028, 0x0100, 8)
            .Element(0x7FE0, 0x0010, "OB", new byte[] { 1, 2, 3, 4 })
            .Text(0xE029, 0x0010, "LO", "ACME");
        body.Tag(0xE029, 0x1001).Ascii("OB").U16(0).U32(1_000_000); // claims far more than the file holds
        var bytes = DicomBytes.Part10(DicomBytes.ExplicitLE, body);

        foreach (var options in new[] { DicomReadOptions.HeaderOnly, DicomReadOptions.Full })
        {
            var file = DicomBytes.Read(bytes, options);
            Assert.Equal("OT", file.Dataset.GetString(DicomTags.Modality));
            Assert.Equal("ACME", file.Dataset.GetString(new DicomTag(0xE029, 0x0010)));
            Assert.Contains(file.Warnings, w => w.Contains("after Pixel Data", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Encapsulated_pixel_data_without_a_delimiter_at_the_end_is_walked_in_a_header_read()
    {
        // Two fragments, then the delimiter, then trailing padding: the file does not end with the delimiter, so the
        // header read walks the items (never reading a fragment) to find what follows.
        var body = new DicomBytes().Text(0x0008, 0x0060, "CS", "OT");
        body.Header(0x7FE0, 0x0010, "OB", DicomBytes.UndefinedLength)
            .Tag(0xFFFE, 0xE000).U32(0)
            .Tag(0xFFFE, 0xE000).U32(4).Bytes(new byte[] { 9, 9, 9, 9 })
            .Tag(0xFFFE, 0xE000).U32(2).Bytes(new byte[] { 8, 8 })
            .SequenceDelimiter()
            .Element(0xFFFC, 0xFFFC, "OB", new byte[6]);
        var file = DicomBytes.Read(DicomBytes.Part10(DicomBytes.Rle, body), DicomReadOptions.HeaderOnly);

        Assert.Equal(6, file.Dataset[new DicomTag(0xFFFC, 0xFFFC)]!.Length);
        Assert.Null(file.PixelData!.Fragments);
        Assert.Empty(file.Warnings);
    }

    // Fault 3. Two spaces where the VR of (0028,0120) should be. DCMTK ("Non-standard VR '  ' ... assuming 2 byte
    // length field") and GDCM read a 16-bit length; pydicom 2.3.1 takes a 32-bit one and swallows the image.
    [Fact]
    public void Element_with_blank_VR_is_read_with_a_short_length_and_its_dictionary_VR()
    {
        var file = DicomFile.Open(Fault("novr.dcm"), DicomReadOptions.Full);

        var padding = file.Dataset[new DicomTag(0x0028, 0x0120)]!;
        Assert.Equal(DicomVR.US, padding.VR);
        Assert.Equal((ushort)0, padding.Value);
        Assert.Equal(64 * 64, file.PixelData!.Length);
        Assert.Equal(StoredPixelBytes(CodecTestFiles.Fixture("codec-sources", "u8.dcm")), PixelDataReader.Open(file).ReadFrame(0).Pixels);
        var warning = Assert.Single(file.Warnings, w => w.Contains("(0028,0120)", StringComparison.Ordinal));
        Assert.Contains($"offset {padding.Offset}", warning);
    }

    [Fact]
    public void Non_VR_bytes_inside_an_item_use_the_short_length_when_it_fits_the_item()
    {
        var body = new DicomBytes().Sequence(0x0008, 0x1140, false, s => s.Item(false, item =>
        {
            item.Text(0x0008, 0x1150, "UI", "1.2");
            item.Tag(0x0008, 0x1155).Bytes(new byte[] { 0x00, 0x00 }).U16(4).Ascii("1.3").Bytes(new byte[] { 0 });
        })).Text(0x0010, 0x0010, "PN", "Next");

        var file = DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, body));

        var item = Assert.Single(file.Dataset.GetSequence(new DicomTag(0x0008, 0x1140)));
        Assert.Equal("1.3", item.GetString(new DicomTag(0x0008, 0x1155)));
        Assert.Equal(DicomVR.UI, item[new DicomTag(0x0008, 0x1155)]!.VR);
        Assert.Equal("Next", file.Dataset.GetString(DicomTags.PatientName));
    }

    // Fault 4. An implicit-VR file with a CS value in (0040,A170), a sequence in the dictionary. DCMTK and pydicom
    // 2.3.1 stop with an error; GDCM keeps the bytes; newer pydicom reads such a value as UN. We keep it as UN.
    [Fact]
    public void Dictionary_sequence_holding_text_is_kept_as_unknown_bytes()
    {
        var file = DicomFile.Open(Fault("sqtext.dcm"), DicomReadOptions.HeaderOnly);

        var odd = file.Dataset[new DicomTag(0x0040, 0xA170)]!;
        Assert.Equal(DicomVR.UN, odd.VR);
        Assert.Equal("SRCIMG"u8.ToArray(), odd.Value);
        Assert.Equal("after the odd element", file.Dataset.GetString(new DicomTag(0x0040, 0xA160)));
        Assert.Equal(64, file.Dataset.GetInt(DicomTags.Rows));
        Assert.Contains(file.Warnings, w => w.Contains("(0040,A170)", StringComparison.OrdinalIgnoreCase) && w.Contains("UN", StringComparison.Ordinal));
    }

    [Fact]
    public void An_explicit_sequence_without_an_item_is_still_an_error()
    {
        var body = new DicomBytes().Text(0x0040, 0xA170, "SQ", "SRCIMG");
        Assert.Throws<DicomReadException>(() => DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, body)));
    }

    // Fault 5. IS holds -2^31..2^31-1 (PS3.5 6.2), but fo-dicom's GH340 sample has Instance Number 1160501010100.
    [Fact]
    public void Instance_number_beyond_32_bits_is_kept_as_a_long_with_a_warning()
    {
        var info = new DicomInfo(DicomFile.Open(Fault("islong.dcm"), DicomReadOptions.HeaderOnly));

        Assert.Equal<long?>(1160501010100L, info.InstanceNumber);
        Assert.Equal<long?>(12L, info.SeriesNumber);
        Assert.Equal(1160501010100L, info["InstanceNumber"]);
        Assert.Contains(info.Warnings, w => w.Contains("Instance Number 1160501010100", StringComparison.Ordinal));
    }

    [Fact]
    public void Instance_number_that_is_no_integer_is_empty_with_a_warning()
    {
        var body = new DicomBytes().Text(0x0008, 0x0060, "CS", "OT").Text(0x0020, 0x0013, "IS", "12A");
        var info = new DicomInfo(DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, body), DicomReadOptions.HeaderOnly));

        Assert.Null(info.InstanceNumber);
        Assert.Contains(info.Warnings, w => w.Contains("Instance Number '12A'", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Fo_dicom_sample_with_a_long_instance_number_keeps_it()
    {
        CorpusFacts.RequireCorpus();
        var info = new DicomInfo(DicomFile.Open(TestCorpus.PathOf("fodicom__GH340.dcm"), DicomReadOptions.HeaderOnly));
        Assert.Equal<long?>(1160501010100L, info.InstanceNumber);
    }
}
