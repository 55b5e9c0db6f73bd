using System.IO.Compression;
using DicomTools.Dicom;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Pixels;

/// <summary>
/// Locating each frame's bytes: native frames as slices of Pixel Data (1-bit frames need not start on a byte), and
/// encapsulated frames (PS3.5 A.4) by the Extended Offset Table, the Basic Offset Table, one fragment per frame, or
/// codestream start markers. Fragment bytes are hand-made and recognisable, so a frame that picks up the wrong
/// fragment shows it.
/// </summary>
public sealed class FrameSourceTests
{
    private static DicomBytes ImageHeader(int rows, int columns, int frames, int bitsAllocated = 8, int samples = 1, string photometric = "MONOCHROME2")
    {
        var body = new DicomBytes()
            .Text(0x0008, 0x0060, "CS", "OT")
            .US(0x0028, 0x0002, (ushort)samples)
            .Text(0x0028, 0x0004, "CS", photometric);
        if (frames != 1) body.Text(0x0028, 0x0008, "IS", frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return body
            .US(0x0028, 0x0010, (ushort)rows).US(0x0028, 0x0011, (ushort)columns)
            .US(0x0028, 0x0100, (ushort)bitsAllocated).US(0x0028, 0x0101, (ushort)bitsAllocated)
            .US(0x0028, 0x0102, (ushort)(bitsAllocated - 1)).US(0x0028, 0x0103, 0);
    }

    private static byte[] Fragment(byte mark, int length, bool jpegStart = false)
    {
        var bytes = Enumerable.Repeat(mark, length).ToArray();
        if (jpegStart) { bytes[0] = 0xFF; bytes[1] = 0xD8; }
        return bytes;
    }

    /// <summary>Encapsulated Pixel Data: a Basic Offset Table item with <paramref name="table"/>, then the fragments.</summary>
    private static DicomBytes Encapsulated(DicomBytes body, uint[] table, params byte[][] fragments)
    {
        body.Header(0x7FE0, 0x0010, "OB", DicomBytes.UndefinedLength)
            .Tag(0xFFFE, 0xE000).U32((uint)(table.Length * 4)).Bytes(body.DWords(table));
        foreach (var fragment in fragments) body.Tag(0xFFFE, 0xE000).U32((uint)fragment.Length).Bytes(fragment);
        return body.SequenceDelimiter();
    }

    /// <summary>Offsets of each fragment's item tag from the first's: every item adds an 8-byte header (A.4).</summary>
    private static uint ItemOffset(byte[][] fragments, int index) => (uint)fragments.Take(index).Sum(f => 8 + f.Length);

    private static FrameSource Open(TempDicomFile temp) => FrameSource.Open(temp.Open());

    // ---- native ----

    [Fact]
    public void Native_frames_are_consecutive_slices()
    {
        var pixels = Enumerable.Range(0, 12).Select(i => (byte)(i * 10)).ToArray();
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, ImageHeader(2, 2, 3).Element(0x7FE0, 0x0010, "OB", pixels)));
        var source = Open(temp);

        Assert.Equal(3, source.NumberOfFrames);
        Assert.False(source.IsEncapsulated);
        Assert.Equal(4, source.NativeFrameLength);
        Assert.Equal(new byte[] { 0, 10, 20, 30 }, source.ReadEncodedFrame(0));
        Assert.Equal(new byte[] { 80, 90, 100, 110 }, source.ReadEncodedFrame(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => source.ReadEncodedFrame(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => source.ReadEncodedFrame(-1));
    }

    [Fact]
    public void One_bit_frames_need_not_start_on_a_byte()
    {
        // Two 3x3 frames = 18 bits, least significant bit first (PS3.5 8.1.1, D.2):
        // frame 0 = 1,0,1,1,0,0,1,0,1   frame 1 = 0,1,1,0,1,0,0,1,1 (starting at bit 9)
        // byte 0 = bits 0..7 = 1,0,1,1,0,0,1,0 = 0x4D; byte 1 = bits 8..15 = 1,0,1,1,0,1,0,0 = 0x2D; byte 2 = 1,1 = 0x03
        var pixelData = new byte[] { 0x4D, 0x2D, 0x03, 0x00 };
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, ImageHeader(3, 3, 2, bitsAllocated: 1).Element(0x7FE0, 0x0010, "OB", pixelData)));
        var source = Open(temp);

        Assert.Equal(0, source.NativeBitOffset(0));
        Assert.Equal(1, source.NativeBitOffset(1));
        Assert.Equal(new byte[] { 0x4D, 0x2D }, source.ReadEncodedFrame(0));
        Assert.Equal(new byte[] { 0x2D, 0x03 }, source.ReadEncodedFrame(1));

        var reader = PixelDataReader.Open(temp.Open());
        Assert.Equal(new byte[] { 1, 0, 1, 1, 0, 0, 1, 0, 1 }, reader.ReadFrame(0).Pixels);
        Assert.Equal(new byte[] { 0, 1, 1, 0, 1, 0, 0, 1, 1 }, reader.ReadFrame(1).Pixels);
    }

    [Fact]
    public void Truncated_native_pixel_data_gives_the_frames_it_holds()
    {
        // Three 2x2 16-bit frames need 24 bytes; the file stops after 10 (the header claims 24).
        var body = ImageHeader(2, 2, 3, bitsAllocated: 16).Header(0x7FE0, 0x0010, "OW", 24).Bytes(new byte[] { 1, 0, 2, 0, 3, 0, 4, 0, 5, 0 });
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, body));
        var reader = PixelDataReader.Open(temp.Open());

        Assert.Equal(new ushort[] { 1, 2, 3, 4 }, reader.ReadFrame(0).Pixels);
        var e = Assert.Throws<PixelDataException>(() => reader.ReadFrame(1));
        Assert.Contains("frame 1", e.Message);
        Assert.Throws<PixelDataException>(() => reader.ReadFrame(2));
    }

    [Fact]
    public void File_without_pixel_data_has_no_frames()
    {
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, ImageHeader(2, 2, 1)));
        Assert.Throws<PixelDataException>(() => Open(temp));
    }

    [Fact]
    public void Native_frames_from_a_header_only_read_are_still_located()
    {
        var pixels = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, ImageHeader(2, 2, 2).Element(0x7FE0, 0x0010, "OB", pixels)));
        var source = FrameSource.Open(temp.Open(DicomReadOptions.HeaderOnly));

        Assert.Equal(new byte[] { 5, 6, 7, 8 }, source.ReadEncodedFrame(1));
    }

    [Fact]
    public void Encapsulated_frames_from_a_header_only_read_are_refused()
    {
        // Header-only reads do not walk the fragments: treating the item stream as native bytes would be garbage.
        var body = Encapsulated(ImageHeader(2, 2, 1), Array.Empty<uint>(), Fragment(1, 4, jpegStart: true));
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.JpegBaseline, body));

        Assert.Throws<PixelDataException>(() => FrameSource.Open(temp.Open(DicomReadOptions.HeaderOnly)));
    }

    // ---- encapsulated ----

    [Fact]
    public void Basic_offset_table_with_one_fragment_per_frame()
    {
        var fragments = new[] { Fragment(0xA1, 6), Fragment(0xB2, 10), Fragment(0xC3, 4) };
        var table = new[] { 0u, ItemOffset(fragments, 1), ItemOffset(fragments, 2) };
        Assert.Equal(new uint[] { 0, 14, 32 }, table); // 8-byte item headers: 8+6, then 8+6+8+10
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.Rle, Encapsulated(ImageHeader(2, 2, 3), table, fragments)));
        var source = Open(temp);

        Assert.True(source.IsEncapsulated);
        Assert.Equal(fragments[0], source.ReadEncodedFrame(0));
        Assert.Equal(fragments[1], source.ReadEncodedFrame(1));
        Assert.Equal(fragments[2], source.ReadEncodedFrame(2));
    }

    [Fact]
    public void Empty_basic_offset_table_with_one_fragment_per_frame()
    {
        var fragments = new[] { Fragment(0xA1, 6), Fragment(0xB2, 10), Fragment(0xC3, 4) };
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.Rle, Encapsulated(ImageHeader(2, 2, 3), Array.Empty<uint>(), fragments)));
        var source = Open(temp);

        Assert.Equal(fragments[1], source.ReadEncodedFrame(1));
        Assert.Equal(fragments[2], source.ReadEncodedFrame(2));
    }

    [Fact]
    public void Several_fragments_per_frame_located_by_the_basic_offset_table()
    {
        // Frame 0 = fragments 0,1; frame 1 = fragments 2,3,4. No codestream markers: only the table can tell.
        var fragments = new[] { Fragment(1, 4), Fragment(2, 6), Fragment(3, 2), Fragment(4, 8), Fragment(5, 2) };
        var table = new[] { 0u, ItemOffset(fragments, 2) };
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.Rle, Encapsulated(ImageHeader(2, 2, 2), table, fragments)));
        var source = Open(temp);

        Assert.Equal(fragments[0].Concat(fragments[1]), source.ReadEncodedFrame(0));
        Assert.Equal(fragments[2].Concat(fragments[3]).Concat(fragments[4]), source.ReadEncodedFrame(1));
    }

    [Fact]
    public void Single_frame_takes_all_fragments()
    {
        var fragments = new[] { Fragment(1, 4), Fragment(2, 6), Fragment(3, 2) };
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.Rle, Encapsulated(ImageHeader(2, 2, 1), Array.Empty<uint>(), fragments)));
        var source = Open(temp);

        Assert.Equal(fragments[0].Concat(fragments[1]).Concat(fragments[2]), source.ReadEncodedFrame(0));
    }

    [Fact]
    public void Without_offset_tables_JPEG_start_markers_group_fragments()
    {
        // Frame 0 = fragments 0,1; frame 1 = fragments 2,3,4: each frame's codestream starts with SOI (FF D8).
        var fragments = new[]
        {
            Fragment(0x11, 6, jpegStart: true), Fragment(0x12, 4),
            Fragment(0x21, 6, jpegStart: true), Fragment(0x22, 4), Fragment(0x23, 2),
        };
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.JpegBaseline, Encapsulated(ImageHeader(2, 2, 2), Array.Empty<uint>(), fragments)));
        var source = Open(temp);

        Assert.Equal(fragments[0].Concat(fragments[1]), source.ReadEncodedFrame(0));
        Assert.Equal(fragments[2].Concat(fragments[3]).Concat(fragments[4]), source.ReadEncodedFrame(1));
    }

    [Fact]
    public void Extended_offset_table_locates_frames()
    {
        // PS3.3 C.7.6.3.1.8 / PS3.5 A.4: (7FE0,0001) holds each frame's first-fragment item offset (like the Basic
        // Offset Table, but 64-bit), (7FE0,0002) each frame's length; the Basic Offset Table is then empty.
        var fragments = new[] { Fragment(1, 4), Fragment(2, 6), Fragment(3, 2), Fragment(4, 8) };
        var body = ImageHeader(2, 2, 2);
        body.Element(0x7FE0, 0x0001, "OV", body.QWords(0, ItemOffset(fragments, 2)))
            .Element(0x7FE0, 0x0002, "OV", body.QWords(8 + 4 + 8 + 6, 8 + 2 + 8 + 8));
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.Rle, Encapsulated(body, Array.Empty<uint>(), fragments)));
        var source = Open(temp);

        Assert.Equal(fragments[0].Concat(fragments[1]), source.ReadEncodedFrame(0));
        Assert.Equal(fragments[2].Concat(fragments[3]), source.ReadEncodedFrame(1));
    }

    [Fact]
    public void Extended_offset_table_wins_over_a_wrong_basic_offset_table()
    {
        var fragments = new[] { Fragment(1, 4), Fragment(2, 6), Fragment(3, 2), Fragment(4, 8) };
        var body = ImageHeader(2, 2, 2);
        body.Element(0x7FE0, 0x0001, "OV", body.QWords(0, ItemOffset(fragments, 2)));
        var wrongTable = new[] { 0u, ItemOffset(fragments, 1) };
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.Rle, Encapsulated(body, wrongTable, fragments)));
        var source = Open(temp);

        Assert.Equal(fragments[2].Concat(fragments[3]), source.ReadEncodedFrame(1));
    }

    [Fact]
    public void Unusable_basic_offset_table_falls_back_to_one_fragment_per_frame()
    {
        // An offset that lands inside a fragment cannot be a frame start: the table is ignored.
        var fragments = new[] { Fragment(1, 4), Fragment(2, 6) };
        var table = new[] { 0u, 5u };
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.Rle, Encapsulated(ImageHeader(2, 2, 2), table, fragments)));
        var source = Open(temp);

        Assert.Equal(fragments[1], source.ReadEncodedFrame(1));
    }

    [Fact]
    public void Fewer_frames_than_the_header_states_is_a_pixel_data_exception()
    {
        // Three frames declared, two fragments, no table and no markers this syntax can recognise.
        var fragments = new[] { Fragment(1, 4), Fragment(2, 6) };
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.Rle, Encapsulated(ImageHeader(2, 2, 3), Array.Empty<uint>(), fragments)));
        var source = Open(temp);

        Assert.Throws<PixelDataException>(() => source.ReadEncodedFrame(1));
        var e = Assert.Throws<PixelDataException>(() => source.ReadEncodedFrame(2));
        Assert.Contains("frame 2", e.Message);
    }

    [Fact]
    public void Fragments_of_a_deflated_file_are_located_in_memory_by_their_table()
    {
        // A deflated file's fragments are kept in memory (the inflated stream cannot be revisited); the Basic Offset
        // Table still counts item headers, which the in-memory copy does not hold.
        var fragments = new[] { Fragment(1, 4), Fragment(2, 6), Fragment(3, 2), Fragment(4, 8) };
        var table = new[] { 0u, ItemOffset(fragments, 2) };
        var dataset = Encapsulated(ImageHeader(2, 2, 2), table, fragments).ToArray();
        var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(dataset);
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.DeflatedLE, compressed.ToArray()));
        var source = Open(temp);

        Assert.NotNull(source.File.PixelData!.Fragments!.InMemoryData);
        Assert.Equal(fragments[0].Concat(fragments[1]), source.ReadEncodedFrame(0));
        Assert.Equal(fragments[2].Concat(fragments[3]), source.ReadEncodedFrame(1));
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.4.58", "JPEG Lossless, Non-Hierarchical (Process 15) (retired)")]
    public void A_known_syntax_without_a_decoder_is_refused_naming_the_syntax(string uid, string name)
    {
        // The error must say which syntax, by name and UID, and that it is not supported.
        var fragments = new[] { Fragment(1, 4, jpegStart: true) };
        using var temp = new TempDicomFile(DicomBytes.Part10(uid, Encapsulated(ImageHeader(2, 2, 1), Array.Empty<uint>(), fragments)));
        var reader = PixelDataReader.Open(temp.Open());

        var e = Assert.Throws<PixelDataException>(() => reader.ReadFrame(0));
        Assert.Contains($"{name} ({uid})", e.Message);
        Assert.Contains("not supported", e.Message);
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.4.110", "JPEG XL Lossless")]
    [InlineData("1.2.840.10008.1.2.4.112", "JPEG XL")]
    public void A_JPEG_XL_frame_that_is_no_codestream_is_a_codec_error_naming_the_syntax(string uid, string name)
    {
        // JPEG XL frames go to libjxl: bytes that are no codestream (or a machine without libjxl) give a codec error.
        var fragments = new[] { Fragment(1, 4, jpegStart: false) };
        using var temp = new TempDicomFile(DicomBytes.Part10(uid, Encapsulated(ImageHeader(2, 2, 1), Array.Empty<uint>(), fragments)));
        var reader = PixelDataReader.Open(temp.Open());

        var e = Assert.Throws<CodecException>(() => reader.ReadFrame(0));
        Assert.Contains("frame 0", e.Message);
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Encapsulated_frame_without_a_decoder_is_a_pixel_data_exception()
    {
        var fragments = new[] { Fragment(1, 4, jpegStart: true) };
        using var temp = new TempDicomFile(DicomBytes.Part10("1.2.3.4.5.999", Encapsulated(ImageHeader(2, 2, 1), Array.Empty<uint>(), fragments)));
        var reader = PixelDataReader.Open(temp.Open());

        var e = Assert.Throws<PixelDataException>(() => reader.ReadFrame(0));
        Assert.Contains("not supported", e.Message);
    }
}
