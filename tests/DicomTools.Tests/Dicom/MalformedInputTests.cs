using System.IO.Compression;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// Damaged and hostile input: every length is checked against what encloses it and what the file holds before
/// anything is allocated; what cannot be read is a <see cref="DicomReadException"/> saying what and where; what real
/// writers get slightly wrong (stray delimiters, a missing final delimiter, padding) is tolerated with a warning.
/// </summary>
public sealed class MalformedInputTests
{
    private static DicomFile ReadExplicit(DicomBytes body, DicomReadOptions? options = null) =>
        DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, body), options);

    /// <summary>Bytes this thread allocates while <paramref name="action"/> runs (which must throw).</summary>
    private static (long Allocated, TException Error) AllocationOfFailure<TException>(Action action) where TException : Exception
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<TException>(action);
        return (GC.GetAllocatedBytesForCurrentThread() - before, error);
    }

    private static byte[] WithClaimedLength(string vr, uint claimed, bool explicitVR)
    {
        var body = new DicomBytes(explicitVR)
            .Text(0x0008, 0x0060, "CS", "OT")
            .Text(0x0009, 0x0010, "LO", "ACME")
            .Header(0x0009, 0x1000, vr, claimed)
            .Bytes(new byte[1024]);
        return DicomBytes.Part10(explicitVR ? DicomBytes.ExplicitLE : DicomBytes.ImplicitLE, body);
    }

    [Theory]
    [InlineData("OB", true)]
    [InlineData("UT", true)]
    [InlineData("UN", true)]
    [InlineData("OB", false)]
    public void Four_gigabyte_length_in_a_small_file_fails_before_allocating(string vr, bool explicitVR)
    {
        // Warm up (dictionary, character sets) with the same shape and an honest length, so the measurement sees
        // only what the hostile length causes.
        DicomBytes.Read(WithClaimedLength(vr, 1024, explicitVR));
        var hostile = WithClaimedLength(vr, 0xFFFFFFF0, explicitVR);

        var (allocated, error) = AllocationOfFailure<DicomReadException>(() => DicomBytes.Read(hostile));

        Assert.True(allocated < 1_000_000, $"reading a {hostile.Length}-byte file allocated {allocated} bytes before failing");
        Assert.Contains("4294967280", error.Message);
        Assert.Equal(new DicomTag(0x0009, 0x1000), error.Tag);
        Assert.True(error.Offset > 0, "the error says where");
    }

    [Theory]
    [InlineData(0xFFFFFFF0u)] // beyond any array
    [InlineData(0x7FFF0000u)] // just within an array's reach: must still not be allocated up front
    public void Huge_length_in_a_deflated_file_fails_with_bounded_allocation(uint claimed)
    {
        // An inflating stream cannot say how much is left: the value must grow only as data arrives.
        var body = new DicomBytes().Text(0x0008, 0x0060, "CS", "OT").Header(0x0009, 0x1000, "OB", claimed).Bytes(new byte[1024]);
        var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(body.ToArray());
        var bytes = DicomBytes.Part10(DicomBytes.DeflatedLE, compressed.ToArray());
        Assert.Throws<DicomReadException>(() => DicomBytes.Read(bytes)); // warm up

        var (allocated, _) = AllocationOfFailure<DicomReadException>(() => DicomBytes.Read(bytes));

        Assert.True(allocated < 16_000_000, $"a {bytes.Length}-byte deflated file allocated {allocated} bytes before failing");
    }

    [Fact]
    public void Item_longer_than_its_sequence_is_an_error()
    {
        var item = new DicomBytes().Text(0x0008, 0x1155, "UI", "1.2.3");
        var body = new DicomBytes()
            .Header(0x0008, 0x1140, "SQ", (uint)(8 + item.Length))
            .Tag(0xFFFE, 0xE000).U32((uint)item.Length + 20) // 20 bytes past the sequence's end, inside the file
            .Bytes(item)
            .Text(0x0008, 0x1030, "LO", "this is beyond the sequence")
            .Text(0x0010, 0x0010, "PN", "Doe");

        var e = Assert.Throws<DicomReadException>(() => ReadExplicit(body));
        Assert.Contains("past the end", e.Message);
    }

    [Fact]
    public void Element_longer_than_its_item_is_an_error()
    {
        var inner = new DicomBytes().Header(0x0008, 0x1155, "UI", 40).Ascii("1.2.3.4.");
        var body = new DicomBytes()
            .Header(0x0008, 0x1140, "SQ", DicomBytes.UndefinedLength)
            .Tag(0xFFFE, 0xE000).U32((uint)inner.Length).Bytes(inner)
            .SequenceDelimiter()
            .Text(0x0008, 0x1030, "LO", "padding so that the file itself is long enough");

        var e = Assert.Throws<DicomReadException>(() => ReadExplicit(body));
        Assert.Contains("past the end", e.Message);
    }

    [Fact]
    public void Value_longer_than_the_file_is_an_error()
    {
        var body = new DicomBytes().Text(0x0008, 0x0060, "CS", "OT").Header(0x0008, 0x1030, "LO", 100).Ascii("only fifty bytes follow..........................");

        var e = Assert.Throws<DicomReadException>(() => ReadExplicit(body));
        Assert.Contains("exceeds", e.Message);
        Assert.Equal(new DicomTag(0x0008, 0x1030), e.Tag);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(8)]  // tag, "OB", reserved: the 32-bit length is missing
    [InlineData(10)]
    public void File_ending_inside_an_element_header_is_an_error(int headerBytes)
    {
        var full = new DicomBytes().Header(0x0009, 0x1000, "OB", 4).ToArray();
        var body = new DicomBytes().Text(0x0008, 0x0060, "CS", "OT").Bytes(full.AsSpan(0, headerBytes));

        Assert.Throws<DicomReadException>(() => ReadExplicit(body));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_few_stray_bytes_at_the_end_are_tolerated(int stray)
    {
        var body = new DicomBytes().Text(0x0008, 0x0060, "CS", "OT").Bytes(new byte[stray]);

        var file = ReadExplicit(body);

        Assert.Equal("OT", file.Dataset.GetString(DicomTags.Modality));
        Assert.Contains(file.Warnings, w => w.Contains("stray byte", StringComparison.Ordinal));
    }

    [Fact]
    public void File_ending_inside_the_meta_is_an_error()
    {
        var meta = DicomBytes.Meta(DicomBytes.ExplicitLE).ToArray();
        // Cut in the middle of the Transfer Syntax UID value.
        var cut = DicomBytes.Preamble().Concat(meta.AsSpan(0, meta.Length - 30).ToArray()).ToArray();

        Assert.Throws<DicomReadException>(() => DicomBytes.Read(cut));
    }

    [Fact]
    public void File_ending_where_the_meta_group_length_says_more_follows_is_an_error()
    {
        // The meta is whole element by element, but its group length claims 40 bytes more: the file was cut.
        var meta = DicomBytes.Meta(DicomBytes.ExplicitLE, groupLengthAdjustment: 40).ToArray();

        var e = Assert.Throws<DicomReadException>(() => DicomBytes.Read(DicomBytes.Preamble().Concat(meta).ToArray()));
        Assert.Contains("File Meta Information", e.Message);
    }

    [Fact]
    public void Meta_without_a_dataset_is_an_error()
    {
        var meta = DicomBytes.Meta(DicomBytes.ExplicitLE).ToArray();

        var e = Assert.Throws<DicomReadException>(() => DicomBytes.Read(DicomBytes.Preamble().Concat(meta).ToArray()));
        Assert.Contains("no dataset", e.Message);
    }

    [Fact]
    public void Wrong_meta_group_length_is_tolerated()
    {
        // Real files get (0002,0000) wrong by a few bytes; the reader goes by group numbers.
        var meta = DicomBytes.Meta(DicomBytes.ExplicitLE, groupLengthAdjustment: -6).ToArray();
        var body = new DicomBytes().Text(0x0008, 0x0060, "CS", "OT").ToArray();

        var file = DicomBytes.Read(DicomBytes.Preamble().Concat(meta).Concat(body).ToArray());

        Assert.Equal("OT", file.Dataset.GetString(DicomTags.Modality));
        Assert.Equal(DicomBytes.ExplicitLE, file.TransferSyntax.Uid);
    }

    [Fact]
    public void Empty_file_is_an_error()
    {
        var e = Assert.Throws<DicomReadException>(() => DicomBytes.Read(Array.Empty<byte>()));
        Assert.Contains("empty", e.Message);
    }

    [Theory]
    [InlineData(128)]
    [InlineData(131)]
    [InlineData(500)]
    public void Zeros_only_is_not_DICOM(int length)
    {
        var e = Assert.Throws<DicomReadException>(() => DicomBytes.Read(new byte[length]));
        Assert.Contains("not a DICOM file", e.Message);
    }

    [Fact]
    public void Preamble_and_magic_alone_is_an_error()
    {
        var e = Assert.Throws<DicomReadException>(() => DicomBytes.Read(DicomBytes.Preamble()));
        Assert.Contains("no data elements", e.Message);
    }

    [Theory]
    [InlineData("hello, this is not DICOM\n")]
    [InlineData("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud.\n")]
    public void Text_file_is_not_DICOM(string text)
    {
        var e = Assert.Throws<DicomReadException>(() => DicomBytes.Read(System.Text.Encoding.ASCII.GetBytes(text)));
        Assert.Contains("not a DICOM file", e.Message);
    }

    [Fact]
    public void Text_file_error_shows_the_magic_escaped()
    {
        var bytes = new byte[140];
        bytes.AsSpan().Fill((byte)'x');
        bytes[128] = 0x1B; // ESC where "DICM" should be: shown, never sent to the terminal
        var e = Assert.Throws<DicomReadException>(() => DicomBytes.Read(bytes));
        Assert.Contains("\\x1B", e.Message);
        Assert.False(e.Message.Contains('\u001b'), "the raw ESC must not reach the message");
    }

    [Fact]
    public void Element_without_VR_in_an_explicit_file_is_read_as_implicit()
    {
        // Some writers drop an implicit-VR element into an explicit-VR dataset: tag, then a 32-bit length.
        var body = new DicomBytes().Text(0x0008, 0x0020, "DA", "20200101");
        body.Tag(0x0008, 0x0060).U32(2).Ascii("CT");
        body.Text(0x0008, 0x1030, "LO", "next");

        var file = ReadExplicit(body);

        Assert.Equal("CT", file.Dataset.GetString(DicomTags.Modality));
        Assert.Equal(DicomVR.CS, file.Dataset[DicomTags.Modality]!.VR);
        Assert.Equal("next", file.Dataset.GetString(DicomTags.StudyDescription));
        Assert.Contains(file.Warnings, w => w.Contains("no VR", StringComparison.Ordinal));
    }

    [Fact]
    public void Garbage_VR_bytes_are_an_error()
    {
        var body = new DicomBytes().Text(0x0008, 0x0020, "DA", "20200101");
        body.Tag(0x0008, 0x0060).Bytes(new byte[] { 0xFF, 0xFF, 0x10, 0x00 }).Ascii("CT");

        Assert.Throws<DicomReadException>(() => ReadExplicit(body));
    }

    [Fact]
    public void Unknown_uppercase_VR_is_read_as_UN_with_a_long_length()
    {
        // PS3.5 7.1.2: VRs defined in future follow the OB form (reserved bytes, 32-bit length).
        var body = new DicomBytes().Text(0x0008, 0x0020, "DA", "20200101");
        body.Tag(0x0009, 0x1000).Ascii("ZZ").U16(0).U32(4).Bytes(new byte[] { 1, 2, 3, 4 });
        body.Text(0x0010, 0x0010, "PN", "Next");

        var file = ReadExplicit(body);

        var element = file.Dataset[new DicomTag(0x0009, 0x1000)]!;
        Assert.Equal(DicomVR.UN, element.VR);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, element.Value);
        Assert.Equal("Next", file.Dataset.GetString(DicomTags.PatientName));
        Assert.Contains(file.Warnings, w => w.Contains("unknown VR", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_uppercase_VR_with_non_zero_reserved_bytes_is_an_error()
    {
        var body = new DicomBytes().Text(0x0008, 0x0020, "DA", "20200101");
        body.Tag(0x0009, 0x1000).Ascii("ZZ").U16(0x0404).U32(4).Bytes(new byte[] { 1, 2, 3, 4 });

        var e = Assert.Throws<DicomReadException>(() => ReadExplicit(body));
        Assert.Contains("unknown VR", e.Message);
    }

    [Fact]
    public void Stray_delimiters_at_top_level_are_skipped()
    {
        var body = new DicomBytes().Text(0x0008, 0x0020, "DA", "20200101")
            .ItemDelimiter()
            .Text(0x0008, 0x0060, "CS", "MR")
            .SequenceDelimiter()
            .Text(0x0008, 0x1030, "LO", "next");

        var file = ReadExplicit(body);

        Assert.Equal("MR", file.Dataset.GetString(DicomTags.Modality));
        Assert.Equal("next", file.Dataset.GetString(DicomTags.StudyDescription));
        Assert.Equal(2, file.Warnings.Count(w => w.Contains("stray delimiter", StringComparison.Ordinal)));
    }

    [Fact]
    public void Stray_item_of_defined_length_at_top_level_is_skipped()
    {
        var body = new DicomBytes().Text(0x0008, 0x0020, "DA", "20200101")
            .Item(false, item => item.Text(0x0008, 0x0060, "CS", "XX"))
            .Text(0x0008, 0x1030, "LO", "next");

        var file = ReadExplicit(body);

        Assert.Null(file.Dataset.GetString(DicomTags.Modality));
        Assert.Equal("next", file.Dataset.GetString(DicomTags.StudyDescription));
        Assert.Contains(file.Warnings, w => w.Contains("stray item", StringComparison.Ordinal));
    }

    [Fact]
    public void Stray_item_of_undefined_length_at_top_level_is_an_error()
    {
        var body = new DicomBytes().Text(0x0008, 0x0020, "DA", "20200101")
            .Item(true, item => item.Text(0x0008, 0x0060, "CS", "XX"));

        Assert.Throws<DicomReadException>(() => ReadExplicit(body));
    }

    [Fact]
    public void Undefined_length_on_a_plain_value_is_an_error()
    {
        var body = new DicomBytes().Text(0x0008, 0x0020, "DA", "20200101")
            .Header(0x0042, 0x0011, "OB", DicomBytes.UndefinedLength).Bytes(new byte[16]);

        var e = Assert.Throws<DicomReadException>(() => ReadExplicit(body));
        Assert.Contains("undefined length", e.Message);
    }

    // ---- encapsulated Pixel Data framing (PS3.5 A.4) ----

    private static DicomBytes EncapsulatedHeader() => new DicomBytes()
        .US(0x0028, 0x0002, 1).Text(0x0028, 0x0004, "CS", "MONOCHROME2")
        .US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 8).US(0x0028, 0x0101, 8)
        .US(0x0028, 0x0102, 7).US(0x0028, 0x0103, 0)
        .Header(0x7FE0, 0x0010, "OB", DicomBytes.UndefinedLength);

    [Fact]
    public void Encapsulated_pixel_data_without_sequence_delimiter_is_tolerated_with_a_warning()
    {
        var body = EncapsulatedHeader()
            .Tag(0xFFFE, 0xE000).U32(0)
            .Tag(0xFFFE, 0xE000).U32(4).Bytes(new byte[] { 0xFF, 0xD8, 1, 2 })
            .Tag(0xFFFE, 0xE000).U32(2).Bytes(new byte[] { 3, 4 });

        var file = DicomBytes.Read(DicomBytes.Part10(DicomBytes.JpegBaseline, body));

        var fragments = file.PixelData!.Fragments!;
        Assert.False(fragments.IsTerminated);
        Assert.Equal(2, fragments.Count);
        Assert.Equal(new[] { 4L, 2L }, fragments.Fragments.Select(f => f.Length));
        Assert.Contains(file.Warnings, w => w.Contains("without a Sequence Delimitation Item", StringComparison.Ordinal));
    }

    [Fact]
    public void Encapsulated_pixel_data_without_any_item_is_an_error()
    {
        var e = Assert.Throws<DicomReadException>(() => DicomBytes.Read(DicomBytes.Part10(DicomBytes.JpegBaseline, EncapsulatedHeader())));
        Assert.Contains("Basic Offset Table", e.Message);
    }

    [Fact]
    public void Something_other_than_a_fragment_in_encapsulated_pixel_data_is_an_error()
    {
        var body = EncapsulatedHeader().Tag(0xFFFE, 0xE000).U32(0).Text(0x0008, 0x0060, "CS", "OT");

        var e = Assert.Throws<DicomReadException>(() => DicomBytes.Read(DicomBytes.Part10(DicomBytes.JpegBaseline, body)));
        Assert.Contains("fragment item", e.Message);
    }

    [Fact]
    public void Fragment_longer_than_the_file_is_an_error_without_allocation()
    {
        var body = EncapsulatedHeader().Tag(0xFFFE, 0xE000).U32(0).Tag(0xFFFE, 0xE000).U32(0xFFFFFFF0).Bytes(new byte[100]);
        var bytes = DicomBytes.Part10(DicomBytes.JpegBaseline, body);
        Assert.Throws<DicomReadException>(() => DicomBytes.Read(bytes)); // warm up

        var (allocated, _) = AllocationOfFailure<DicomReadException>(() => DicomBytes.Read(bytes));
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Native_pixel_data_longer_than_the_file_is_tolerated_at_read_time()
    {
        var body = new DicomBytes()
            .US(0x0028, 0x0010, 100).US(0x0028, 0x0011, 100).US(0x0028, 0x0100, 16)
            .Header(0x7FE0, 0x0010, "OW", 20_000).Bytes(new byte[5_000]);

        var file = ReadExplicit(body);

        Assert.Equal(20_000, file.PixelData!.Length);
        Assert.Equal(5_000, file.PixelData.AvailableLength);
        Assert.False(file.PixelData.IsValueLoaded);
        Assert.Equal((ushort)100, file.Dataset.GetValue(DicomTags.Rows));
        Assert.Contains(file.Warnings, w => w.Contains("Pixel Data claims 20000", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_exception_composes_where_it_happened()
    {
        var e = new DicomReadException("broken", 77, new DicomTag(0x0010, 0x0010));
        Assert.Equal("broken (in (0010,0010) at offset 77)", e.Message);
        Assert.Equal("broken", e.Problem);
        Assert.Equal("broken (at offset 5)", new DicomReadException("broken", 5).Message);
        Assert.Equal("broken", new DicomReadException("broken").Message);
    }
}
